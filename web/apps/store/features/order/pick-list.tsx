import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, keys, m, queryClient } from '../../app.ts';
import { useStoreId } from '../../root.tsx';
import { Substitutions, SubstituteForm } from './substitutes.tsx';

type Order = Schemas['Order'];
type Line = NonNullable<Order['lines']>[number];

/** One line to pick: how many are in the bag, "missing" for none, a substitute when short. */
function PickLine(p: {
  order: Order;
  line: Line;
  picked: number;
  setPicked: (n: number) => void;
  storeId: string | null;
}) {
  const { line } = p;
  const short = p.picked < line.quantity;
  const inputId = `picked-${line.product_id}`;
  return (
    <li data-testid="pick-line" data-sku={line.sku} data-short={short}>
      <div className="spread">
        <span>
          <strong>{line.name}</strong> <span className="muted">{line.sku}</span>
          {line.substitute_for && (
            <span className="muted"> · {m.order.substituteFor(line.substitute_for)}</span>
          )}
        </span>
        <span>
          {m.order.ordered}: {line.quantity}
        </span>
      </div>
      <div className="row">
        <label htmlFor={inputId}>
          {m.order.picked} <span className="visually-hidden">{line.name}</span>
        </label>
        <input
          id={inputId}
          type="number"
          min={0}
          max={line.quantity}
          value={p.picked}
          onChange={(e) =>
            p.setPicked(Math.max(0, Math.min(line.quantity, Number(e.target.value))))
          }
        />
        <button type="button" className="secondary" onClick={() => p.setPicked(0)}>
          {m.order.missing}
        </button>
      </div>
      {short && p.storeId && !line.substitute_for && (
        <SubstituteForm
          orderId={p.order.id}
          line={line}
          missing={line.quantity - p.picked}
          storeId={p.storeId}
        />
      )}
    </li>
  );
}

/** The pick list of an order being prepared; "Mark ready" sends what is in the bag. */
export function PickList({ order }: { order: Order }) {
  const storeId = useStoreId();
  const lines = order.lines ?? [];
  const [picked, setPicked] = useState<Record<string, number>>({});
  const pickedOf = (l: Line) => picked[l.product_id] ?? l.picked_quantity ?? l.quantity;
  const subs = useQuery({
    queryKey: keys.substitutions(order.id),
    queryFn: () =>
      unwrap(api.GET('/v1/orders/{id}/substitutions', { params: { path: { id: order.id } } })),
  });
  const ready = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/orders/{id}/ready', {
          params: { path: { id: order.id } },
          body: { picked: lines.map((l) => ({ product_id: l.product_id, quantity: pickedOf(l) })) },
        }),
      ),
    onSuccess: (o) => queryClient.setQueryData(keys.order(order.id), o),
  });
  return (
    <div className="card stack">
      <h2>{m.order.pickList}</h2>
      <ul className="stops" data-testid="pick-list">
        {lines.map((l) => (
          <PickLine
            key={l.product_id}
            order={order}
            line={l}
            picked={pickedOf(l)}
            setPicked={(n) => setPicked((s) => ({ ...s, [l.product_id]: n }))}
            storeId={storeId}
          />
        ))}
      </ul>
      <Substitutions items={subs.data ?? []} />
      <button type="button" disabled={ready.isPending} onClick={() => ready.mutate()}>
        {m.order.ready}
      </button>
      <ErrorNote error={ready.error ?? subs.error} words={m.problems} />
    </div>
  );
}
