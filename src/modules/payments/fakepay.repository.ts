import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { ProviderPaymentStatus } from './payment-provider.ts';

/** The fake provider's own tables (it plays an external system: nothing else reads them). */
interface FakepayPaymentsTable {
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
interface FakepayRequestsTable {
  idempotency_key: string;
  operation: string;
  params_hash: string;
  payment_id: string | null;
  response: unknown;
  created_at: Generated<Date>;
}
interface FakepayEventsTable {
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
interface Tables {
  fakepay_payments: FakepayPaymentsTable;
  fakepay_requests: FakepayRequestsTable;
  fakepay_events: FakepayEventsTable;
}

export type FakepayPayment = Selectable<FakepayPaymentsTable>;
export type FakepayEvent = Selectable<FakepayEventsTable>;

/** Idempotency keys with their stored responses (a repeat of a key replays the first answer). */
export function fakepayRequestsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
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

    /**
     * A new payment with its stored response and its first event (if any) in one statement: the
     * key's claim, the payment and the event commit together or not at all, as in the transaction
     * of `claimRequest` … `storeResponse`, for one round trip. False when the key was taken: a
     * concurrent call with it waits for the first to commit (or roll back, then claims it).
     */
    async insertPaymentOnce(
      r: { key: string; operation: string; paramsHash: string; response: unknown },
      p: Pick<
        FakepayPayment,
        | 'id'
        | 'reference'
        | 'card'
        | 'currency'
        | 'status'
        | 'decline_reason'
        | 'authorized_minor'
        | 'event_seq'
      >,
      e: Pick<FakepayEvent, 'id' | 'seq' | 'type' | 'payload'> | null,
    ): Promise<boolean> {
      const res = await sql<{ claimed: number }>`
        WITH claimed AS (
          INSERT INTO fakepay_requests (idempotency_key, operation, params_hash, payment_id, response)
          VALUES (${r.key}, ${r.operation}, ${r.paramsHash}, ${p.id}, ${JSON.stringify(r.response)}::jsonb)
          ON CONFLICT (idempotency_key) DO NOTHING
          RETURNING idempotency_key
        ), payment AS (
          INSERT INTO fakepay_payments (id, reference, card, currency, status, decline_reason, authorized_minor, event_seq)
          SELECT ${p.id}::text, ${p.reference}::text, ${p.card}::text, ${p.currency}::text, ${p.status}::text, ${p.decline_reason}::text,
                 ${p.authorized_minor}::bigint, ${p.event_seq}::int FROM claimed
          RETURNING id
        ), event AS (
          INSERT INTO fakepay_events (id, payment_id, seq, type, payload)
          SELECT ${e?.id ?? null}::text, id, ${e?.seq ?? 0}::int, ${e?.type ?? null}::text, ${JSON.stringify(e?.payload ?? null)}::jsonb
          FROM payment WHERE ${e !== null}::boolean
        )
        SELECT count(*)::int AS claimed FROM claimed`.execute(db);
      return (res.rows[0]?.claimed ?? 0) > 0;
    },
  };
}

/** The provider's payments and its money rules. */
export function fakepayPaymentsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
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
        .set({
          status: 'captured',
          captured_minor: amount,
          event_seq: sql`event_seq + 1`,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('status', '=', 'authorized')
        .where('authorized_minor', '>=', amount)
        .returningAll()
        .executeTakeFirst();
    },
    void(id: string) {
      return q
        .updateTable('fakepay_payments')
        .set({ status: 'voided', event_seq: sql`event_seq + 1`, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', 'authorized')
        .returningAll()
        .executeTakeFirst();
    },
    refund(id: string, amount: number) {
      return q
        .updateTable('fakepay_payments')
        .set({
          refunded_minor: sql`refunded_minor + ${amount}`,
          status: sql`CASE WHEN refunded_minor + ${amount} = captured_minor THEN 'refunded' ELSE 'partially_refunded' END`,
          event_seq: sql`event_seq + 1`,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('status', 'in', ['captured', 'partially_refunded'])
        .where(sql<boolean>`refunded_minor + ${amount} <= captured_minor`)
        .returningAll()
        .executeTakeFirst();
    },
  };
}

/** The webhook events the provider sends, with their delivery state. */
export function fakepayEventsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
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
      const res =
        await sql<FakepayEvent>`UPDATE fakepay_events SET next_attempt_at = now() + interval '30 seconds', attempts = attempts + 1
        WHERE id IN (SELECT id FROM fakepay_events WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
          ORDER BY created_at, seq LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING *`.execute(q);
      return res.rows.sort(
        (a, b) => a.created_at.getTime() - b.created_at.getTime() || a.seq - b.seq,
      );
    },
    async markDelivered(id: string): Promise<void> {
      await q
        .updateTable('fakepay_events')
        .set({ delivered_at: sql`now()`, last_error: null })
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
      await sql`UPDATE fakepay_events SET last_error = ${error.slice(0, 500)},
          next_attempt_at = now() + make_interval(secs => ${retryAfterMs / 1000}),
          gave_up_at = CASE WHEN attempts >= ${maxAttempts} THEN now() END
        WHERE id = ${id}`.execute(q);
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
