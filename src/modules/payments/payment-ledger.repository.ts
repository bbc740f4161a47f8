import { type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { NewLedgerRow, PaymentTables, PaymentTotals } from './payments.repository.ts';

/** The ledger: one row per money movement, unique on its idempotency key. */
export function ledgerRepository(db: Db) {
  const q = db as unknown as Kysely<PaymentTables>;
  return {
    /** Returns false when the idempotency key already has its row (a repeat changes nothing). */
    async addLedger(row: NewLedgerRow): Promise<boolean> {
      const res = await q
        .insertInto('payment_ledger')
        .values(row)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    ledgerByKey(key: string) {
      return q
        .selectFrom('payment_ledger')
        .selectAll()
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
    },
    ledgerOf(paymentId: string) {
      return q
        .selectFrom('payment_ledger')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    /** The newest payments with their ledger sums (authorized = authorizations − releases). */
    async totals(limit: number): Promise<PaymentTotals[]> {
      const res = await sql<PaymentTotals>`
        SELECT p.*, s.* FROM (SELECT * FROM payments ORDER BY id DESC LIMIT ${limit}) p
        CROSS JOIN LATERAL (SELECT
          (COALESCE(sum(amount_minor) FILTER (WHERE kind = 'authorize'), 0)
            - COALESCE(sum(amount_minor) FILTER (WHERE kind = 'void'), 0))::bigint AS ledger_authorized,
          COALESCE(sum(amount_minor) FILTER (WHERE kind = 'capture'), 0)::bigint AS ledger_captured,
          COALESCE(sum(amount_minor) FILTER (WHERE kind = 'refund'), 0)::bigint AS ledger_refunded,
          COALESCE(array_agg(DISTINCT currency::text), '{}') AS ledger_currencies
          FROM payment_ledger WHERE payment_id = p.id) s
        ORDER BY p.id DESC`.execute(q);
      return res.rows;
    },
  };
}
