import type { FastifyReply } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { OrderStatus } from './order-state.ts';
import type { OrderView } from './order-view.ts';
import type { OrderRow } from './orders.repository.ts';

/**
 * What a checkout or a payment retry tells the client about the payment: authorized, still being
 * authorized (pending), declined (the order waits in payment_failed until `retry_until`), or, for
 * a repeated request, where the order is now.
 */
export type PaymentAnswer =
  | { status: 'authorized' }
  | { status: 'pending'; reason: string }
  | { status: 'declined'; reason: string; retry_until: string | null }
  | { status: Exclude<OrderStatus, 'placed' | 'authorizing' | 'payment_failed'> };

/** Why a payment is pending: the provider has not answered yet. */
export const AUTHORIZING = 'the payment is being authorized';

/** The answer a repeated request gets for the order as it is now. */
export async function answerForOrder(
  row: OrderRow,
  declineReason: () => Promise<string | null>,
): Promise<PaymentAnswer> {
  switch (row.status) {
    case 'placed':
    case 'authorizing':
      return { status: 'pending', reason: AUTHORIZING };
    case 'payment_failed':
      return {
        status: 'declined',
        reason: (await declineReason()) ?? 'card_declined',
        retry_until: row.payment_due_at?.toISOString() ?? null,
      };
    default:
      return { status: row.status };
  }
}

/**
 * Sends the answer: 402 problem+json for a decline (with the order's id, the decline reason and
 * until when another card may be tried), 202 while the payment is being authorized (the client
 * follows the order), else `settledCode` (201 for a new order, 200 otherwise) with the order.
 */
export function sendPaymentAnswer(
  reply: FastifyReply,
  order: OrderView,
  payment: PaymentAnswer,
  settledCode: 200 | 201,
) {
  if (payment.status === 'declined') {
    const retry = payment.retry_until
      ? `; pay with another card (POST /v1/orders/${order.id}/payment) before ${payment.retry_until}`
      : '';
    throw new AppError('PAYMENT_DECLINED', `The card was declined (${payment.reason})${retry}`, {
      details: {
        order_id: order.id,
        order_status: order.status,
        decline_reason: payment.reason,
        retry_until: payment.retry_until,
      },
    });
  }
  reply.code(payment.status === 'pending' ? 202 : settledCode);
  return { ...order, payment };
}
