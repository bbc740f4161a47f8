import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '@lastmile/client';
import { dateTime } from '@web/format.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';

const ticketsKey = (orderId: string) => ['order', orderId, 'tickets'];

/** `GET /v1/support/tickets?order_id=`: the customer's requests about this order, newest first. */
function useTickets(orderId: string) {
  return useQuery({
    queryKey: ticketsKey(orderId),
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/v1/support/tickets', { params: { query: { order_id: orderId, limit: 20 } } }),
        )
      ).items,
    // Support answers in its own time: look again now and then while a request is open.
    refetchInterval: (q) => (q.state.data?.some((t) => t.status !== 'resolved') ? 30_000 : false),
  });
}

/** `POST /v1/support/tickets` about this order; the order's list of requests is read again. */
export function useOpenTicket(orderId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { subject: string; message: string }) =>
      unwrap(api.POST('/v1/support/tickets', { body: { ...body, order_id: orderId } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ticketsKey(orderId) }),
  });
}

/** The requests to support about this order, each with its status, and a form for another. */
export function OrderSupport({ orderId }: { orderId: string }) {
  const tickets = useTickets(orderId);
  const open = useOpenTicket(orderId);
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    open.mutate(
      { subject: subject.trim(), message: message.trim() },
      {
        onSuccess: () => {
          setSubject('');
          setMessage('');
        },
      },
    );
  };
  const items = tickets.data ?? [];
  return (
    <div className="card" data-testid="support">
      <h2>{m.support.title}</h2>
      <ErrorNote error={tickets.error} words={m.problems} />
      {tickets.isSuccess && items.length === 0 && <p className="muted">{m.support.none}</p>}
      <ul className="lines">
        {items.map((t) => (
          <li key={t.id} data-testid="ticket" data-status={t.status}>
            <p className="spread">
              <strong>{t.subject}</strong>
              <span data-testid="ticket-status">{m.support.status[t.status]}</span>
            </p>
            <p className="muted">{m.support.opened(dateTime(t.created_at, m.locale))}</p>
            {t.resolution && <p>{m.support.resolution(t.resolution)}</p>}
          </li>
        ))}
      </ul>
      <form onSubmit={submit}>
        <label htmlFor="ticket-subject">{m.support.subject}</label>
        <input
          id="ticket-subject"
          required
          minLength={3}
          maxLength={120}
          value={subject}
          onChange={(e) => setSubject(e.target.value)}
        />
        <label htmlFor="ticket-message">{m.support.message}</label>
        <textarea
          id="ticket-message"
          required
          maxLength={4000}
          rows={3}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
        <ErrorNote error={open.error} words={m.problems} />
        <p>
          <button type="submit" disabled={open.isPending}>
            {open.isPending ? m.support.sending : m.support.send}
          </button>
        </p>
      </form>
    </div>
  );
}
