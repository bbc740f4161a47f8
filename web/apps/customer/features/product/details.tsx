import { type FormEvent, useState } from 'react';
import type { Schemas } from '@lastmile/client';
import { money, weight } from '@web/format.ts';
import { m } from '../../app.ts';

/**
 * A product at a store: what it is, its price and weight, what the store has of it now, and the
 * quantity to put in the cart, up to what the cart takes of one product and what is left (never
 * below what the cart already holds of it).
 */
export function ProductDetails(p: {
  item: Schemas['ShelfItem'];
  inCart: number;
  /** The most units of one product the cart takes. */
  limit: number;
  busy: boolean;
  onSet: (quantity: number) => void;
}) {
  const { product, available } = p.item;
  const max = Math.min(p.limit, Math.max(available, p.inCart));
  const [chosen, setChosen] = useState<number | null>(null);
  const quantity = Math.min(max, chosen ?? Math.max(1, p.inCart));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onSet(quantity);
  };
  const price = money(product.price.amount_minor, product.price.currency, m.locale);
  return (
    <article className="card narrow" data-testid="product-page" data-product-id={product.id}>
      <h1>{product.name}</h1>
      {product.brand && <p className="muted">{product.brand}</p>}
      <dl className="totals">
        <div className="spread">
          <dt>{m.product.price}</dt>
          <dd data-testid="product-price">{price}</dd>
        </div>
        {product.weight_g !== null && (
          <div className="spread">
            <dt>{m.product.size}</dt>
            <dd data-testid="product-weight">{weight(product.weight_g, m.locale)}</dd>
          </div>
        )}
        <div className="spread">
          <dt>{m.product.stock}</dt>
          <dd data-testid="product-stock" data-available={available}>
            {available > 0 ? m.product.left(available) : m.product.soldOut}
          </dd>
        </div>
      </dl>
      {max > 0 && (
        <form className="row" onSubmit={submit}>
          <label htmlFor="quantity">{m.product.quantity}</label>
          <select
            id="quantity"
            value={quantity}
            onChange={(e) => setChosen(Number(e.target.value))}
          >
            {Array.from({ length: max }, (_, i) => i + 1).map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
          <button type="submit" disabled={p.busy}>
            {p.inCart > 0 ? m.product.update : m.product.add}
          </button>
        </form>
      )}
      <p className="muted" data-testid="product-limit">
        {m.product.limit(p.limit)}
      </p>
      <p aria-live="polite" data-testid="product-in-cart">
        {p.inCart > 0 ? m.product.inCart(p.inCart) : ''}
      </p>
      {product.age_restricted && <p className="muted">{m.product.adult}</p>}
    </article>
  );
}
