import { useQuery } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { money } from '@web/format.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';

type Receipt = Schemas['Receipt'];

/**
 * `GET /v1/orders/{id}/receipt`: provisional from checkout on, final once the charge is settled.
 * After the order ended it is read again every few seconds until it is final (the capture follows
 * the handover by a moment).
 */
const receiptQuery = (orderId: string, ended: boolean) => ({
  queryKey: ['order', orderId, 'receipt'],
  queryFn: () => unwrap(api.GET('/v1/orders/{id}/receipt', { params: { path: { id: orderId } } })),
  refetchInterval: (q: { state: { data?: Receipt } }) =>
    ended && q.state.data?.final === false ? 2000 : false,
});

function Amounts({ rows, currency }: { rows: Array<[string, number | null]>; currency: string }) {
  return (
    <dl className="totals">
      {rows.map(([k, v]) =>
        v === null ? null : (
          <div key={k} className="spread">
            <dt>{k}</dt>
            <dd>{money(v, currency, m.locale)}</dd>
          </div>
        ),
      )}
    </dl>
  );
}

/** The receipt: the store, each line as ordered and as delivered, the fees, the card and money. */
export function ReceiptCard({ orderId, ended }: { orderId: string; ended: boolean }) {
  const receipt = useQuery(receiptQuery(orderId, ended));
  const r = receipt.data;
  if (!r) return <ErrorNote error={receipt.error} words={m.problems} />;
  const t = r.delivered ?? r.ordered;
  const pay = r.payment;
  const card = pay.method?.last4 ? `${pay.method.brand ?? ''} •••• ${pay.method.last4}` : null;
  return (
    <div className="card" data-testid="receipt" data-final={r.final}>
      <h2>{m.receipt.title}</h2>
      <p className={r.final ? '' : 'muted'} data-testid="receipt-state">
        {r.final ? m.receipt.final : m.receipt.provisional}
      </p>
      <p className="muted">
        {m.receipt.store}: {r.store.name}
      </p>
      <ul className="lines">
        {r.lines.map((l) => (
          <li key={l.product_id} className="spread">
            <span>
              {l.name}{' '}
              <span className="muted">
                {m.receipt.quantities(l.ordered_quantity, l.delivered_quantity)}
              </span>
            </span>
            <span>{money(l.line_total_minor, r.currency, m.locale)}</span>
          </li>
        ))}
      </ul>
      <Amounts
        currency={r.currency}
        rows={[
          [m.cart.subtotal, t.subtotal_minor],
          [m.cart.deliveryFee, t.delivery_fee_minor],
          [m.cart.smallOrderFee, t.small_order_fee_minor || null],
          [m.cart.serviceFee, t.service_fee_minor],
          [m.cart.tax, t.tax_minor],
          [m.cart.total, t.total_minor],
        ]}
      />
      {card && <p className="muted">{card}</p>}
      <Amounts
        currency={r.currency}
        rows={[
          [m.receipt.authorized, r.final ? null : pay.authorized_minor],
          [m.receipt.captured, pay.captured_minor],
          [m.receipt.refunded, pay.refunded_minor || null],
          [m.receipt.netPaid, pay.net_paid_minor],
        ]}
      />
    </div>
  );
}
