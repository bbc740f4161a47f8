import { type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { ProviderPaymentStatus } from './payment-provider.ts';
import {
  type FakepayDb,
  type FakepayEventsTable,
  type FakepayPaymentsTable,
  fakepayDb,
} from './payments-tables.ts';

export type FakepayPayment = Selectable<FakepayPaymentsTable>;
export type FakepayEvent = Selectable<FakepayEventsTable>;

/** Idempotency keys with their stored responses (a repeat of a key replays the first answer). */
export function fakepayRequestsRepository(db: Db) {
  const q = fakepayDb(db);
  return {
    /**
     * Claims an idempotency key inside the caller's transaction. A concurrent call with the same key
     * waits here until the first commits (then sees its response) or rolls back (then claims it).
     */
    async claimRequest(key: string, operation: string, paramsHash: string): Promise<boolean> {
      const res = await q
        .insertInto('fakepay_requests')
        .values({
          idempotency_key: key,
          operation,
          params_hash: paramsHash,
          payment_id: null,
          response: null,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    findRequest(key: string) {
      return q
        .selectFrom('fakepay_requests')
        .selectAll()
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
    },
    async storeResponse(key: string, paymentId: string, response: unknown): Promise<void> {
      await q
        .updateTable('fakepay_requests')
        .set({ payment_id: paymentId, response: JSON.stringify(response) })
        .where('idempotency_key', '=', key)
        .execute();
    },

    insertPaymentOnce: (r: RequestClaim, p: NewFakepayPayment, e: FirstEvent | null) =>
      insertPaymentOnce(q, r, p, e),
  };
}

interface RequestClaim {
  key: string;
  operation: string;
  paramsHash: string;
  response: unknown;
}
const NEW_PAYMENT_COLUMNS = [
  'id',
  'reference',
  'card',
  'currency',
  'status',
  'decline_reason',
  'authorized_minor',
  'event_seq',
] as const;
type NewFakepayPayment = Pick<FakepayPayment, (typeof NEW_PAYMENT_COLUMNS)[number]>;
type FirstEvent = Pick<FakepayEvent, 'id' | 'seq' | 'type' | 'payload'>;

/**
 * A new payment with its stored response and its first event (if any) in one statement: the
 * key's claim, the payment and the event commit together or not at all, as in the transaction
 * of `claimRequest` … `storeResponse`, for one round trip. False when the key was taken: a
 * concurrent call with it waits for the first to commit (or roll back, then claims it).
 */
async function insertPaymentOnce(
  q: FakepayDb,
  r: RequestClaim,
  p: NewFakepayPayment,
  e: FirstEvent | null,
): Promise<boolean> {
  const row = await q
    .with('claimed', (w) =>
      w
        .insertInto('fakepay_requests')
        .values({
          idempotency_key: r.key,
          operation: r.operation,
          params_hash: r.paramsHash,
          payment_id: p.id,
          response: JSON.stringify(r.response),
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('idempotency_key'),
    )
    .with('payment', (w) =>
      w
        .insertInto('fakepay_payments')
        .columns(NEW_PAYMENT_COLUMNS)
        .expression(
          w
            .selectFrom('claimed')
            .select((eb) => NEW_PAYMENT_COLUMNS.map((c) => eb.val(p[c]).as(c))),
        )
        .returning('id'),
    )
    .with('event', (w) =>
      w
        .insertInto('fakepay_events')
        .columns(['id', 'payment_id', 'seq', 'type', 'payload'])
        .expression(
          w
            .selectFrom('payment')
            .select((eb) => [
              eb.val(e?.id ?? null).as('id'),
              'id as payment_id',
              eb.val(e?.seq ?? 0).as('seq'),
              eb.val(e?.type ?? null).as('type'),
              eb.val(JSON.stringify(e?.payload ?? null)).as('payload'),
            ])
            .where((eb) => eb.lit(e !== null)),
        ),
    )
    .selectFrom('claimed')
    .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('claimed'))
    .executeTakeFirst();
  return (row?.claimed ?? 0) > 0;
}

/** The provider's payments and its money rules. */
export function fakepayPaymentsRepository(db: Db) {
  const q = fakepayDb(db);
  return {
    find(id: string) {
      return q.selectFrom('fakepay_payments').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findMany(ids: readonly string[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return q.selectFrom('fakepay_payments').selectAll().where('id', 'in', ids).execute();
    },
    findByReference(reference: string) {
      return q
        .selectFrom('fakepay_payments')
        .selectAll()
        .where('reference', '=', reference)
        .orderBy('created_at')
        .execute();
    },

    // The provider's rules are conditional updates: a capture, void or refund that breaks them
    // changes no row (undefined), and bumps the event sequence when it does change one.
    capture(id: string, amount: number) {
      return q
        .updateTable('fakepay_payments')
        .set((eb) => ({
          status: 'captured',
          captured_minor: amount,
          event_seq: eb('event_seq', '+', eb.lit(1)),
          updated_at: eb.fn('now'),
        }))
        .where('id', '=', id)
        .where('status', '=', 'authorized')
        .where('authorized_minor', '>=', amount)
        .returningAll()
        .executeTakeFirst();
    },
    void(id: string) {
      return q
        .updateTable('fakepay_payments')
        .set((eb) => ({
          status: 'voided',
          event_seq: eb('event_seq', '+', eb.lit(1)),
          updated_at: eb.fn('now'),
        }))
        .where('id', '=', id)
        .where('status', '=', 'authorized')
        .returningAll()
        .executeTakeFirst();
    },
    refund(id: string, amount: number) {
      return q
        .updateTable('fakepay_payments')
        .set((eb) => ({
          refunded_minor: eb('refunded_minor', '+', amount),
          status: eb
            .case()
            .when(eb('refunded_minor', '+', amount), '=', eb.ref('captured_minor'))
            .then<ProviderPaymentStatus>('refunded')
            .else<ProviderPaymentStatus>('partially_refunded')
            .end(),
          event_seq: eb('event_seq', '+', eb.lit(1)),
          updated_at: eb.fn('now'),
        }))
        .where('id', '=', id)
        .where('status', 'in', ['captured', 'partially_refunded'])
        .where((eb) => eb(eb('refunded_minor', '+', amount), '<=', eb.ref('captured_minor')))
        .returningAll()
        .executeTakeFirst();
    },
  };
}

/** The webhook events the provider sends, with their delivery state. */
export function fakepayEventsRepository(db: Db) {
  const q = fakepayDb(db);
  return {
    async insertEvent(
      e: Pick<FakepayEvent, 'id' | 'payment_id' | 'seq' | 'type' | 'payload'>,
    ): Promise<void> {
      await q
        .insertInto('fakepay_events')
        .values({ ...e, payload: JSON.stringify(e.payload) })
        .execute();
    },
    /**
     * Leases due events for delivery: claimed with SKIP LOCKED and pushed 30 s into the future, so
     * two deliverers never send the same event at once and a crashed one's lease runs out.
     */
    async leaseDueEvents(limit: number): Promise<FakepayEvent[]> {
      const rows = await q
        .updateTable('fakepay_events')
        .set((eb) => ({
          // Raw: an interval literal; Kysely has neither an interval value nor a cast to interval.
          next_attempt_at: sql<Date>`now() + interval '30 seconds'`,
          attempts: eb('attempts', '+', eb.lit(1)),
        }))
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('fakepay_events')
            .select('id')
            .where('delivered_at', 'is', null)
            .where('gave_up_at', 'is', null)
            .where((eb) => eb('next_attempt_at', '<=', eb.fn<Date>('now')))
            .orderBy('created_at')
            .orderBy('seq')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
      return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || a.seq - b.seq);
    },
    async markDelivered(id: string): Promise<void> {
      await q
        .updateTable('fakepay_events')
        .set((eb) => ({ delivered_at: eb.fn('now'), last_error: null }))
        .where('id', '=', id)
        .execute();
    },
    /** A failed delivery is retried after `retryAfterMs`, or given up after `maxAttempts`. */
    async markFailed(
      id: string,
      error: string,
      maxAttempts: number,
      retryAfterMs: number,
    ): Promise<void> {
      await q
        .updateTable('fakepay_events')
        .set((eb) => ({
          last_error: error.slice(0, 500),
          // Raw: make_interval's named argument (secs => …), which eb.fn cannot pass.
          next_attempt_at: sql<Date>`now() + make_interval(secs => ${retryAfterMs / 1000})`,
          gave_up_at: eb.case().when('attempts', '>=', maxAttempts).then(eb.fn<Date>('now')).end(),
        }))
        .where('id', '=', id)
        .execute();
    },
    eventsOf(paymentId: string) {
      return q
        .selectFrom('fakepay_events')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .orderBy('seq')
        .execute();
    },
  };
}
