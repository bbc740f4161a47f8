import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '@lastmile/client';
import { dateTime, money } from '@web/format.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { useOpenTicket } from './support.tsx';

/**
 * Asking for a refund. The API lets the store and ops refund (`POST /v1/orders/{id}/refunds`), not
 * the customer: the customer's request goes to support as a ticket about the order.
 */
function AskRefund({ orderId }: { orderId: string }) {
  const ask = useOpenTicket(orderId);
  const [why, setWhy] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ask.mutate(
      { subject: m.refunds.askSubject, message: why.trim() },
      { onSuccess: () => setWhy('') },
    );
  };
  return (
    <details data-testid="ask-refund">
      <summary>{m.refunds.ask}</summary>
      <form onSubmit={submit}>
        <p className="muted">{m.refunds.askHint}</p>
        <label htmlFor="refund-why">{m.refunds.why}</label>
        <textarea
          id="refund-why"
          required
          maxLength={4000}
          rows={3}
          value={why}
          onChange={(e) => setWhy(e.target.value)}
        />
        <ErrorNote error={ask.error} words={m.problems} />
        {ask.isSuccess && (
          <p role="status" data-testid="refund-asked">
            {m.refunds.sent}
          </p>
        )}
        <p>
          <button type="submit" disabled={ask.isPending}>
            {m.refunds.send}
          </button>
        </p>
      </form>
    </details>
  );
}

/** `GET /v1/orders/{id}/refunds`: what was given back, and (once delivered) asking for more. */
export function Refunds({ orderId, delivered }: { orderId: string; delivered: boolean }) {
  const refunds = useQuery({
    queryKey: ['order', orderId, 'refunds'],
    queryFn: async () =>
      (await unwrap(api.GET('/v1/orders/{id}/refunds', { params: { path: { id: orderId } } })))
        .items,
  });
  const items = refunds.data ?? [];
  if (!delivered && items.length === 0) return null;
  return (
    <div className="card" data-testid="refunds">
      <h2>{m.refunds.title}</h2>
      <ErrorNote error={refunds.error} words={m.problems} />
      {refunds.isSuccess && items.length === 0 && <p className="muted">{m.refunds.none}</p>}
      <ul className="lines">
        {items.map((r) => (
          <li key={r.id} data-testid="refund" data-status={r.status}>
            <p className="spread">
              <span>{r.reason}</span>
              <strong>{money(r.amount_minor, r.currency, m.locale)}</strong>
            </p>
            <p className="muted">
              {m.refunds.status[r.status]} · {dateTime(r.settled_at ?? r.created_at, m.locale)}
            </p>
          </li>
        ))}
      </ul>
      {delivered && <AskRefund orderId={orderId} />}
    </div>
  );
}
