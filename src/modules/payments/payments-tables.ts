import type { Generated, Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { ProviderPaymentStatus } from './payment-provider.ts';

// The payments module's tables, written once for its repositories: ours (migrations/0002) and the
// fake provider's (migrations/0001), each behind its own narrowed handle.

export type PaymentStatus =
  'authorized' | 'declined' | 'voided' | 'captured' | 'refunded' | 'partially_refunded' | 'failed';
export type LedgerKind = 'authorize' | 'capture' | 'void' | 'refund';

export interface PaymentsTable {
  id: string;
  order_id: string;
  status: PaymentStatus;
  currency: string;
  authorized_minor: Generated<number>;
  captured_minor: Generated<number>;
  refunded_minor: Generated<number>;
  decline_reason: string | null;
  provider: string;
  provider_payment_id: string | null;
  provider_status: Generated<string | null>;
  provider_seq: Generated<number>;
  provider_confirmed_at: Generated<Date | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface LedgerTable {
  id: string;
  payment_id: string;
  order_id: string;
  kind: LedgerKind;
  amount_minor: number;
  currency: string;
  idempotency_key: string;
  provider_ref: string | null;
  reason: string | null;
  created_at: Generated<Date>;
}
export interface WebhookEventsTable {
  provider: string;
  event_id: string;
  provider_payment_id: string;
  sequence: number;
  type: string;
  payload: unknown;
  applied: Generated<boolean>;
  received_at: Generated<Date>;
}
export type RefundStatus = 'pending' | 'succeeded' | 'failed';
export interface RefundsTable {
  id: string;
  payment_id: string;
  order_id: string;
  amount_minor: number;
  currency: string;
  reason: string;
  idempotency_key: string;
  status: RefundStatus;
  requested_by: string | null;
  failure: string | null;
  created_at: Date;
  settled_at: Date | null;
}
/** Our payment tables. */
export interface PaymentTables {
  payments: PaymentsTable;
  payment_refunds: RefundsTable;
  payment_ledger: LedgerTable;
  payment_webhook_events: WebhookEventsTable;
}

/** The shared handle narrowed to our payment tables: not even the fake provider's can be named. */
export type PaymentsDb = Kysely<PaymentTables>;
export const paymentsDb = (db: Db): PaymentsDb => db as unknown as PaymentsDb;

/** The fake provider's own tables (it plays an external system: nothing else reads them). */
export interface FakepayPaymentsTable {
  id: string;
  reference: string;
  card: string;
  currency: string;
  status: ProviderPaymentStatus;
  decline_reason: string | null;
  authorized_minor: number;
  captured_minor: Generated<number>;
  refunded_minor: Generated<number>;
  event_seq: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export interface FakepayRequestsTable {
  idempotency_key: string;
  operation: string;
  params_hash: string;
  payment_id: string | null;
  response: unknown;
  created_at: Generated<Date>;
}
export interface FakepayEventsTable {
  id: string;
  payment_id: string;
  seq: number;
  type: string;
  payload: unknown;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  delivered_at: Generated<Date | null>;
  gave_up_at: Generated<Date | null>;
  last_error: Generated<string | null>;
}
export interface FakepayTables {
  fakepay_payments: FakepayPaymentsTable;
  fakepay_requests: FakepayRequestsTable;
  fakepay_events: FakepayEventsTable;
}

/** The shared handle narrowed to the fake provider's tables, out of our reach as a real PSP's. */
export type FakepayDb = Kysely<FakepayTables>;
export const fakepayDb = (db: Db): FakepayDb => db as unknown as FakepayDb;
