import type { Db } from '../../platform/db/pool.ts';
import { paymentsDb, type RefundStatus, type RefundsTable } from './payments-tables.ts';

/** Refunds asked of the provider, each reserved before the call (migrations/0003). */
export function refundsRepository(db: Db) {
  const q = paymentsDb(db);
  return {
    refundByKey: (key: string) =>
      q
        .selectFrom('payment_refunds')
        .selectAll()
        .where('idempotency_key', '=', key)
        .executeTakeFirst(),

    /** What pending refunds of the payment hold (not yet in refunded_minor). */
    async pendingMinor(paymentId: string): Promise<number> {
      const row = await q
        .selectFrom('payment_refunds')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_minor'), eb.lit(0)).as('sum'))
        .where('payment_id', '=', paymentId)
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.sum);
    },

    /** Reserves the refund; false when its key was already taken. */
    async reserve(row: RefundsTable): Promise<boolean> {
      const res = await q
        .insertInto('payment_refunds')
        .values(row)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    settle: (id: string, status: Exclude<RefundStatus, 'pending'>, at: Date, failure?: string) =>
      q
        .updateTable('payment_refunds')
        .set({ status, settled_at: at, failure: failure ?? null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute(),

    refundsOfOrder: (orderId: string) =>
      q
        .selectFrom('payment_refunds')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
  };
}
