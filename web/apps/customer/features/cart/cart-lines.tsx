import type { Schemas } from '@lastmile/client';
import { money } from '@web/format.ts';
import { ErrorNote } from '@web/ui.tsx';
import { m } from '../../app.ts';
import { useSetLine } from './cart.ts';

type Line = Schemas['Cart']['lines'][number];

/** Whether checkout would refuse the line as the cart last read its stock. */
export const blocksCheckout = (l: Line) => l.status === 'short' || l.status === 'sold_out';

/**
 * What the line says about its stock: none while plenty is left; how many when few are; what to do
 * when it is short or sold out; or that checkout found it short (`short`) when the stock read since
 * says nothing of it.
 */
function stockNote(l: Line, short: boolean): { text: string; danger: boolean } | null {
  if (l.status === 'sold_out') return { text: m.cart.soldOut, danger: true };
  if (l.status === 'short') return { text: m.cart.tooFew(l.available), danger: true };
  if (short) return { text: m.cart.short, danger: true };
  if (l.status === 'low') return { text: m.cart.low(l.available), danger: false };
  return null;
}

/** The quantities to offer: up to what the cart takes and the store has, and the line's own. */
const quantitiesOf = (l: Line, most: number) =>
  [
    ...new Set([
      ...Array.from({ length: Math.min(most, l.available) }, (_, i) => i + 1),
      l.quantity,
    ]),
  ].sort((a, b) => a - b);

/**
 * One line: its quantity to change, Remove, its total; what is left when few are, and why checkout
 * would refuse it (short or sold out, or found short by checkout) with what to do.
 */
function CartLine(p: {
  line: Line;
  currency: string | null;
  most: number;
  short: boolean;
  set: (productId: string, quantity: number) => void;
}) {
  const l = p.line;
  const id = `stock-${l.product_id}`;
  const note = stockNote(l, p.short);
  const refused = p.short || blocksCheckout(l);
  return (
    <li className="spread" data-short={refused} data-stock={l.status}>
      <span>
        {l.name}
        {note && (
          <>
            <br />
            <span className={note.danger ? 'danger' : 'muted'} id={id} data-testid="line-stock">
              {note.text}
            </span>
          </>
        )}
      </span>
      <span className="row">
        {/* Never disabled while a change is saved: that would drop the keyboard's focus. */}
        <select
          aria-label={m.cart.quantity(l.name)}
          aria-invalid={refused}
          aria-describedby={note ? id : undefined}
          value={l.quantity}
          onChange={(e) => p.set(l.product_id, Number(e.target.value))}
        >
          {quantitiesOf(l, p.most).map((q) => (
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
 * The cart's lines, each with its stock and its quantity to change up to what the cart takes of
 * one product and the store has (the server checks again), and totals. A line short or sold out
 * says so and what to do; the lines checkout found short (`short`, product ids) say so until the
 * customer changes them.
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
            most={cart.limits.units_per_product}
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
