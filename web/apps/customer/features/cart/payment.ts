import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { LastmileHttpError, LastmileProblem, unwrap } from '@lastmile/client';
import { newKey } from '@web/keys.ts';
import { api } from '../../app.ts';

export interface PayInput {
  card: string;
  /** A point and its text, or one of the customer's saved addresses. */
  delivery: { lat: number; lng: number; address: string } | { address_id: string };
}

/** A declined card: the order it placed waits for another one until `retry_until`. */
export interface Declined {
  orderId: string;
  reason: string;
}

/**
 * Checkout and its retries. The first attempt places the order (`POST /v1/orders`, the cart's
 * lines); after a decline the same order takes another card (`POST /v1/orders/{id}/payment`), so a
 * retry never places a second order. Each attempt has its own Idempotency-Key, kept while the
 * attempt has no answer (a lost answer is asked again with the same key and replayed, never
 * charged twice) and dropped once answered.
 */
export function usePayment(
  onPaid: (orderId: string) => void,
  waiting: string | null = null,
  onDeclined?: () => void,
) {
  const client = useQueryClient();
  const [declined, setDeclined] = useState<Declined | null>(null);
  const attempt = useRef<{ key: string; of: string } | null>(null);
  const orderId = declined?.orderId ?? waiting;

  const pay = useMutation({
    mutationFn: async (input: PayInput) => {
      const of = JSON.stringify([orderId, input]);
      if (attempt.current?.of !== of) attempt.current = { key: newKey(), of };
      const header = { 'idempotency-key': attempt.current.key };
      if (orderId)
        return unwrap(
          api.POST('/v1/orders/{id}/payment', {
            params: { path: { id: orderId }, header },
            body: { card_token: input.card },
          }),
        );
      return unwrap(
        api.POST('/v1/orders', {
          params: { header },
          body: { delivery: input.delivery, payment: { card_token: input.card } },
        }),
      );
    },
    onSuccess: (order) => {
      attempt.current = null;
      void client.invalidateQueries({ queryKey: ['cart'] });
      void client.invalidateQueries({ queryKey: ['orders'] });
      onPaid(order.id);
    },
    onError: (err) => {
      // Answered: the next attempt is a new one. Unanswered, or still running: the same again.
      const answered =
        err instanceof LastmileHttpError &&
        !(err instanceof LastmileProblem && err.code === 'IDEMPOTENCY_IN_FLIGHT');
      if (answered) attempt.current = null;
      if (err instanceof LastmileProblem && err.code === 'PAYMENT_DECLINED') {
        const id = typeof err.extra.order_id === 'string' ? err.extra.order_id : orderId;
        const reason = typeof err.extra.decline_reason === 'string' ? err.extra.decline_reason : '';
        if (id) setDeclined({ orderId: id, reason });
        onDeclined?.();
      }
    },
  });
  return { pay, declined, orderId };
}
