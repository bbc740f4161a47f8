import { declaredEvent } from '../../platform/bus/declared-event.ts';
import type { PaymentEventDefinition, PaymentEventPayload } from './payments.events.ts';
import type { LedgerRow, PaymentRow } from './payments.repository.ts';
import type { LedgerKind, PaymentStatus } from './payments-tables.ts';

/** A payment as callers see it (the orders module returns it from its order-payment route). */
export interface PaymentView {
  id: string;
  order_id: string;
  status: PaymentStatus;
  currency: string;
  authorized_minor: number;
  captured_minor: number;
  refunded_minor: number;
  decline_reason: string | null;
  provider: string;
  provider_payment_id: string | null;
  /** What the provider's webhooks last confirmed. */
  provider_status: string | null;
  created_at: string;
  updated_at: string;
  movements: Array<{
    kind: LedgerKind;
    amount_minor: number;
    reason: string | null;
    created_at: string;
  }>;
}

export function view(row: PaymentRow, ledger: LedgerRow[]): PaymentView {
  return {
    id: row.id,
    order_id: row.order_id,
    status: row.status,
    currency: row.currency,
    authorized_minor: row.authorized_minor,
    captured_minor: row.captured_minor,
    refunded_minor: row.refunded_minor,
    decline_reason: row.decline_reason,
    provider: row.provider,
    provider_payment_id: row.provider_payment_id,
    provider_status: row.provider_status,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    movements: ledger.map((l) => ({
      kind: l.kind,
      amount_minor: l.amount_minor,
      reason: l.reason,
      created_at: l.created_at.toISOString(),
    })),
  };
}

export function eventOf(
  def: PaymentEventDefinition,
  row: PaymentRow,
  amountMinor: number,
  reason: string | null,
) {
  const payload: PaymentEventPayload = {
    payment_id: row.id,
    order_id: row.order_id,
    status: row.status,
    currency: row.currency,
    amount_minor: amountMinor,
    authorized_minor: row.authorized_minor,
    captured_minor: row.captured_minor,
    refunded_minor: row.refunded_minor,
    reason,
  };
  return declaredEvent(def, payload, { aggregateId: row.order_id });
}
