import { AppError } from '../../platform/errors.ts';
import type { PaymentRow } from './payments.repository.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isOrderId = (orderId: string) => UUID_RE.test(orderId);

export function checkOrderId(orderId: string): void {
  if (!isOrderId(orderId)) throw new AppError('VALIDATION_FAILED', 'orderId must be a UUID');
}

export function checkAmount(amountMinor: number, min: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < min) {
    throw new AppError(
      'VALIDATION_FAILED',
      `amountMinor must be a whole number of minor units, at least ${min}`,
    );
  }
}

export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('CONFLICT', message, { details });

export const notFound = (orderId: string) =>
  new AppError('NOT_FOUND', `No payment for order ${orderId}`);

export function providerIdOf(row: PaymentRow): string {
  if (!row.provider_payment_id)
    throw new AppError(
      'INTERNAL',
      `payment ${row.id} is ${row.status} but has no provider payment id`,
    );
  return row.provider_payment_id;
}

/**
 * What `authorize` answers for the order's payment row: authorized for this amount, or the error
 * that row stands for (declined, voided, or authorized for another amount or currency).
 */
export function settled(
  row: PaymentRow,
  input: { amountMinor: number; currency: string },
): { paymentId: string; status: 'authorized' } {
  if (row.status === 'declined') {
    throw new AppError(
      'PAYMENT_DECLINED',
      `The card was declined (${row.decline_reason ?? 'card_declined'})`,
      { details: { reason: row.decline_reason } },
    );
  }
  if (row.status === 'voided') throw conflict(`The payment of order ${row.order_id} was voided`);
  if (
    row.currency !== input.currency ||
    (row.status === 'authorized' && row.authorized_minor !== input.amountMinor)
  ) {
    throw conflict(
      `Order ${row.order_id} was authorized for ${row.authorized_minor} ${row.currency}`,
    );
  }
  return { paymentId: row.id, status: 'authorized' };
}
