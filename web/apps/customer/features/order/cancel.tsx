import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, m } from '../../app.ts';

/**
 * `POST /v1/orders/{id}/cancel`, behind a disclosure so it is never one stray tap; offered while
 * the order says it can be canceled (`can_cancel`: the API's own rule, read again as it moves).
 */
export function CancelOrder({ orderId, canCancel }: { orderId: string; canCancel: boolean }) {
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
  if (!canCancel && !cancel.error) return null;
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
          <button type="submit" disabled={cancel.isPending || !canCancel}>
            {cancel.isPending ? m.cancel.busy : m.cancel.confirm}
          </button>
        </p>
      </form>
    </details>
  );
}
