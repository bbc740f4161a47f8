import type { Schemas } from '@lastmile/client';
import { money } from '@web/format.ts';
import { ErrorNote } from '@web/ui.tsx';
import { m } from '../../app.ts';
import { useSetLine } from './cart.ts';

type Line = Schemas['Cart']['lines'][number];

/** One line: its quantity to change, Remove, its total; says so when checkout found it short. */
function CartLine(p: {
  line: Line;
  currency: string | null;
  quantities: readonly number[];
  short: boolean;
  set: (productId: string, quantity: number) => void;
}) {
  const l = p.line;
  const note = `short-${l.product_id}`;
  return (
    <li className="spread" data-short={p.short}>
      <span>
        {l.name}
        {p.short && (
          <span className="danger" id={note}>
            <br />
            {m.cart.short}
          </span>
        )}
      </span>
      <span className="row">
        {/* Never disabled while a change is saved: that would drop the keyboard's focus. */}
        <select
          aria-label={m.cart.quantity(l.name)}
          aria-invalid={p.short}
          aria-describedby={p.short ? note : undefined}
          value={l.quantity}
          onChange={(e) => p.set(l.product_id, Number(e.target.value))}
        >
          {[...new Set([...p.quantities, l.quantity])].map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="secondary"
          onClick={() => p.set(l.product_id, 0)}
          aria-label={`${m.cart.remove}: ${l.name}`}
        >
          {m.cart.remove}
        </button>
        <strong>{money(l.line_total_minor, p.currency, m.locale)}</strong>
      </span>
    </li>
  );
}

/**
 * The cart's lines, each with its quantity to change up to what the cart takes of one product
 * (the server checks the stock), and totals.
 * The lines checkout found short (`short`, product ids) say so until the customer changes them.
 */
export function CartLines(p: {
  cart: Schemas['Cart'];
  short?: readonly string[];
  onChanged?: (productId: string) => void;
}) {
  const { cart } = p;
  const setLine = useSetLine();
  const storeId = cart.store_id ?? '';
  const cur = cart.currency;
  const t = cart.totals;
  const quantities = Array.from({ length: cart.limits.units_per_product }, (_, i) => i + 1);
  const set = (product_id: string, quantity: number) =>
    setLine.mutate(
      { store_id: storeId, product_id, quantity },
      { onSuccess: () => p.onChanged?.(product_id) },
    );
  return (
    <div className="card">
      <ErrorNote error={setLine.error} words={m.problems} />
      <ul className="lines" data-testid="cart-lines">
        {cart.lines.map((l) => (
          <CartLine
            key={l.product_id}
            line={l}
            currency={cur}
            quantities={quantities}
            short={p.short?.includes(l.product_id) ?? false}
            set={set}
          />
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
