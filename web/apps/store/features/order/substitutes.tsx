import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, keys, m, queryClient } from '../../app.ts';

type Line = NonNullable<Schemas['Order']['lines']>[number];

/** A substitute for a short line: another product of the shelf, for the customer to answer. */
export function SubstituteForm(p: {
  orderId: string;
  line: Line;
  missing: number;
  storeId: string;
}) {
  const shelf = useQuery({
    queryKey: [...keys.products, p.storeId, 'shelf'],
    queryFn: () =>
      unwrap(
        api.GET('/v1/stores/{id}/products', {
          params: { path: { id: p.storeId }, query: { limit: 100 } },
        }),
      ),
  });
  const options = (shelf.data?.items ?? []).filter(
    (i) => i.product.id !== p.line.product_id && i.available > 0,
  );
  const [product, setProduct] = useState('');
  const [quantity, setQuantity] = useState(p.missing);
  const propose = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/orders/{id}/substitutions', {
          params: { path: { id: p.orderId } },
          body: {
            product_id: p.line.product_id,
            substitute_product_id: product || (options[0]?.product.id ?? ''),
            quantity,
            missing: p.missing,
          },
        }),
      ),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: keys.substitutions(p.orderId) }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    propose.mutate();
  };
  const id = p.line.product_id;
  return (
    <form onSubmit={submit} aria-label={m.order.substitute} data-testid="substitute-form">
      <label htmlFor={`sub-${id}`}>{m.order.substituteProduct}</label>
      <select id={`sub-${id}`} value={product} onChange={(e) => setProduct(e.target.value)}>
        {options.map((o) => (
          <option key={o.product.id} value={o.product.id}>
            {o.product.name} ({o.available})
          </option>
        ))}
      </select>
      <label htmlFor={`subq-${id}`}>{m.order.substituteQuantity}</label>
      <input
        id={`subq-${id}`}
        type="number"
        min={1}
        value={quantity}
        onChange={(e) => setQuantity(Math.max(1, Number(e.target.value)))}
      />
      <button type="submit" className="secondary" disabled={propose.isPending || !options.length}>
        {m.order.propose}
      </button>
      <ErrorNote error={propose.error} words={m.problems} />
    </form>
  );
}

/** The substitutes proposed for this order and the customer's answers, as they come. */
export function Substitutions({ items }: { items: Array<Schemas['Substitution']> }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{m.order.substitutions}</h3>
      <ul className="stops" data-testid="substitutions">
        {items.map((s) => (
          <li key={s.id} className="spread" data-status={s.status}>
            <span>
              {s.quantity} × {s.name}
            </span>
            <strong>{m.substitution[s.status]}</strong>
          </li>
        ))}
      </ul>
    </>
  );
}
