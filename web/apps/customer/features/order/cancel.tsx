import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '@lastmile/client';
import type { TrackedStatus } from '@web/tracking.ts';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';

/**
 * Until a courier has the bag (the API's rule for customers): the order's own statuses up to
 * `ready`, and the courier's steps before pickup.
 */
const CANCELLABLE = new Set<TrackedStatus>([
  'placed',
  'payment_failed',
  'authorizing',
  'authorized',
  'accepted',
  'preparing',
  'ready',
  'assigned',
  'at_store',
]);

/** `POST /v1/orders/{id}/cancel`, behind a disclosure so it is never one stray tap. */
export function CancelOrder({ orderId, status }: { orderId: string; status: TrackedStatus }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/orders/{id}/cancel', {
          params: { path: { id: orderId } },
          body: { reason: reason.trim() || m.cancel.defaultReason },
        }),
      ),
    onSuccess: (order) => {
      client.setQueryData(['order', orderId], order);
      void client.invalidateQueries({ queryKey: ['orders'] });
    },
  });
  if (!CANCELLABLE.has(status) && !cancel.error) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    cancel.mutate();
  };
  return (
    <details className="card" data-testid="cancel">
      <summary>{m.cancel.title}</summary>
      <form onSubmit={submit}>
        <p className="muted">{m.cancel.hint}</p>
        <label htmlFor="cancel-reason">{m.cancel.reason}</label>
        <input
          id="cancel-reason"
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <ErrorNote error={cancel.error} words={{ ...m.problems, CONFLICT: m.cancel.tooLate }} />
        <p>
          <button type="submit" disabled={cancel.isPending || !CANCELLABLE.has(status)}>
            {cancel.isPending ? m.cancel.busy : m.cancel.confirm}
          </button>
        </p>
      </form>
    </details>
  );
}
