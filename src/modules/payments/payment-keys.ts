/**
 * Idempotency keys sent to the provider and stored on ledger rows, derived from the order and the
 * step: a saga step retried after a crash or a timeout sends the same key, so it never moves money twice.
 */
export const paymentKeys = {
  authorize: (orderId: string) => `${orderId}:authorize`,
  capture: (orderId: string) => `${orderId}:capture`,
  release: (orderId: string) => `${orderId}:capture:release`,
  void: (orderId: string) => `${orderId}:void`,
  refund: (orderId: string, refundKey: string) => `${orderId}:refund:${refundKey}`,
};
