import type { Schemas } from '@lastmile/client';
import { money } from '@web/format.ts';
import { m } from '../../app.ts';

/** What was ordered, what was packed, and the total. */
export function OrderDetails({ order }: { order: Schemas['Order'] }) {
  const cur = order.currency;
  return (
    <div className="card">
      <h2>{m.order.lines}</h2>
      <ul className="lines">
        {(order.lines ?? []).map((l) => (
          <li key={l.product_id} className="spread">
            <span>
              {l.quantity} × {l.name}
              {l.picked_quantity !== null && l.picked_quantity < l.quantity && (
                <span className="muted"> ({m.order.short(l.picked_quantity)})</span>
              )}
            </span>
            <span>{money(l.unit_price_minor * l.quantity, cur, m.locale)}</span>
          </li>
        ))}
      </ul>
      <p className="spread">
        <strong>{m.order.total}</strong>
        <strong>{money(order.totals.total_minor, cur, m.locale)}</strong>
      </p>
      <p className="muted">
        {m.order.deliverTo}: {order.delivery.address}
      </p>
    </div>
  );
}
