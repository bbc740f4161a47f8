import type { Db } from '../../platform/db/pool.ts';
import type { NewLedgerRow, PaymentTotals } from './payments.repository.ts';
import { type LedgerKind, paymentsDb } from './payments-tables.ts';

/** The ledger: one row per money movement, unique on its idempotency key. */
export function ledgerRepository(db: Db) {
  const q = paymentsDb(db);
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
    totals(limit: number): Promise<PaymentTotals[]> {
      return q
        .selectFrom((eb) =>
          eb.selectFrom('payments').selectAll().orderBy('id', 'desc').limit(limit).as('p'),
        )
        .crossJoinLateral((lateral) =>
          lateral
            .selectFrom('payment_ledger')
            .select((eb) => {
              const sumOf = (kind: LedgerKind) =>
                eb.fn.coalesce(
                  eb.fn.sum<number>('amount_minor').filterWhere('kind', '=', kind),
                  eb.lit(0),
                );
              return [
                eb
                  .cast<number>(eb(sumOf('authorize'), '-', sumOf('void')), 'bigint')
                  .as('ledger_authorized'),
                eb.cast<number>(sumOf('capture'), 'bigint').as('ledger_captured'),
                eb.cast<number>(sumOf('refund'), 'bigint').as('ledger_refunded'),
                eb.fn
                  .coalesce(
                    eb.fn.agg<string[]>('array_agg', [eb.cast('currency', 'text')]).distinct(),
                    eb.val<string[]>([]),
                  )
                  .as('ledger_currencies'),
              ];
            })
            .whereRef('payment_id', '=', 'p.id')
            .as('s'),
        )
        .selectAll(['p', 's'])
        .orderBy('p.id', 'desc')
        .execute();
    },
  };
}
