/**
 * Idempotency keys sent to the provider and stored on ledger rows, derived from the order and the
 * step: a saga step retried after a crash or a timeout sends the same key, so it never moves money twice.
 */
export const paymentKeys = {
  /** The ledger's key of the order's one authorization, whichever attempt it came from. */
  authorize: (orderId: string) => `${orderId}:authorize`,
  /**
   * The provider's key of one authorization attempt: checkout's is attempt 1 (the key of earlier
   * versions), each retry with another card the next number. A repeat of an attempt replays it.
   */
  authorizeAttempt: (orderId: string, attempt: number) =>
    attempt <= 1 ? `${orderId}:authorize` : `${orderId}:authorize:${attempt}`,
  capture: (orderId: string) => `${orderId}:capture`,
  release: (orderId: string) => `${orderId}:capture:release`,
  void: (orderId: string) => `${orderId}:void`,
  refund: (orderId: string, refundKey: string) => `${orderId}:refund:${refundKey}`,
};
