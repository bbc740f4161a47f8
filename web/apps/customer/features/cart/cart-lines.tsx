import type { Schemas } from '@lastmile/client';
import { money } from '@web/format.ts';
import { ErrorNote } from '@web/ui.tsx';
import { m } from '../../app.ts';
import { useSetLine } from './cart.ts';

/**
 * The cart's lines, each with its quantity to change up to what the cart takes of one product
 * (the server checks the stock), and totals.
 */
export function CartLines({ cart }: { cart: Schemas['Cart'] }) {
  const setLine = useSetLine();
  const storeId = cart.store_id ?? '';
  const cur = cart.currency;
  const t = cart.totals;
  const quantities = Array.from({ length: cart.limits.units_per_product }, (_, i) => i + 1);
  const set = (product_id: string, quantity: number) =>
    setLine.mutate({ store_id: storeId, product_id, quantity });
  return (
    <div className="card">
      <ErrorNote error={setLine.error} words={m.problems} />
      <ul className="lines" data-testid="cart-lines">
        {cart.lines.map((l) => (
          <li key={l.product_id} className="spread">
            <span>{l.name}</span>
            <span className="row">
              <select
                aria-label={m.cart.quantity(l.name)}
                value={l.quantity}
                disabled={setLine.isPending}
                onChange={(e) => set(l.product_id, Number(e.target.value))}
              >
                {[...new Set([...quantities, l.quantity])].map((q) => (
                  <option key={q} value={q}>
                    {q}
                  </option>
                ))}
              </select>
              <button type="button" className="secondary" onClick={() => set(l.product_id, 0)}>
                {m.cart.remove}
              </button>
              <strong>{money(l.line_total_minor, cur, m.locale)}</strong>
            </span>
          </li>
        ))}
      </ul>
      <dl className="totals">
        {(
          [
            [m.cart.subtotal, t.subtotal_minor],
            [m.cart.deliveryFee, t.delivery_fee_minor],
            [m.cart.smallOrderFee, t.small_order_fee_minor],
            [m.cart.serviceFee, t.service_fee_minor],
            [m.cart.tax, t.tax_minor],
          ] as const
        )
          .filter(([, v], i) => v > 0 || i < 2)
          .map(([k, v]) => (
            <div key={k} className="spread">
              <dt>{k}</dt>
              <dd>{money(v, cur, m.locale)}</dd>
            </div>
          ))}
        <div className="spread">
          <dt>
            <strong>{m.cart.total}</strong>
          </dt>
          <dd>
            <strong data-testid="cart-total">{money(t.total_minor, cur, m.locale)}</strong>
          </dd>
        </div>
      </dl>
    </div>
  );
}
