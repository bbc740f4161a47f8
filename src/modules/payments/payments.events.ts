/** Event types the payments module emits (payload version 1), written with the ledger row they describe. */
export const PaymentEvents = {
  AUTHORIZED: 'payments.authorized',
  DECLINED: 'payments.declined',
  CAPTURED: 'payments.captured',
  VOIDED: 'payments.voided',
  REFUNDED: 'payments.refunded',
} as const;

export interface PaymentEventPayload {
  payment_id: string;
  order_id: string;
  status: string;
  currency: string;
  /** The amount this event moved (0 for a decline). */
  amount_minor: number;
  authorized_minor: number;
  captured_minor: number;
  refunded_minor: number;
  reason: string | null;
}
