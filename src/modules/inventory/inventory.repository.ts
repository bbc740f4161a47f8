import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/pool.ts';
import { inventoryDb } from './inventory-tables.ts';

export interface StockLevel {
  storeId: string;
  productId: string;
  onHand: number;
}

/** The batch as rows (with a new audit id each): one array parameter per column, however many. */
function levelRows(rows: readonly StockLevel[]) {
  // Raw: a multi-array unnest with a column list (… AS t(audit_id, …)) has no Kysely builder.
  return sql<{ audit_id: string; store_id: string; product_id: string; on_hand: number }>`(
    SELECT * FROM unnest(${rows.map(() => uuidv7())}::uuid[], ${rows.map((r) => r.storeId)}::uuid[],
                         ${rows.map((r) => r.productId)}::uuid[],
                         ${rows.map((r) => r.onHand)}::int[])
      AS t(audit_id, store_id, product_id, on_hand))`;
}

/**
 * Sets counted stock levels for a batch in one statement, with an audit row per changed item. A
 * level below what is already reserved is refused for that row only (the others apply): the
 * reserved units belong to paid orders. Returns the rows that applied.
 */
export async function setStockLevels(
  db: Db,
  rows: readonly StockLevel[],
  audit: { kind: 'count' | 'import'; reason: string; actor: string },
): Promise<Array<{ store_id: string; product_id: string }>> {
  if (rows.length === 0) return [];
  return inventoryDb(db)
    .with('input', () => levelRows(rows))
    .with('before', (w) =>
      w
        .selectFrom('stock as s')
        .innerJoin('input as i', (j) =>
          j.onRef('i.store_id', '=', 's.store_id').onRef('i.product_id', '=', 's.product_id'),
        )
        .select(['s.store_id', 's.product_id', 's.on_hand']),
    )
    .with('written', (w) =>
      w
        .insertInto('stock')
        .columns(['store_id', 'product_id', 'on_hand'])
        .expression(w.selectFrom('input').select(['store_id', 'product_id', 'on_hand']))
        .onConflict((oc) =>
          oc
            .columns(['store_id', 'product_id'])
            .doUpdateSet((eb) => ({
              on_hand: eb.ref('excluded.on_hand'),
              updated_at: eb.fn('now'),
            }))
            .whereRef('stock.reserved', '<=', 'excluded.on_hand'),
        )
        .returning(['store_id', 'product_id', 'on_hand']),
    )
    .with('audited', (w) =>
      w
        .insertInto('stock_adjustments')
        .columns([
          'id',
          'store_id',
          'product_id',
          'kind',
          'delta',
          'on_hand_after',
          'reason',
          'actor',
        ])
        .expression(
          w
            .selectFrom('written as w')
            .innerJoin('input as i', (j) =>
              j.onRef('i.store_id', '=', 'w.store_id').onRef('i.product_id', '=', 'w.product_id'),
            )
            .leftJoin('before as b', (j) =>
              j.onRef('b.store_id', '=', 'w.store_id').onRef('b.product_id', '=', 'w.product_id'),
            )
            .select((eb) => [
              'i.audit_id',
              'w.store_id',
              'w.product_id',
              eb.val(audit.kind).as('kind'),
              eb('w.on_hand', '-', eb.fn.coalesce('b.on_hand', eb.lit(0))).as('delta'),
              'w.on_hand',
              eb.val(audit.reason).as('reason'),
              eb.val(audit.actor).as('actor'),
            ])
            .whereRef('w.on_hand', 'is distinct from', 'b.on_hand'),
        ),
    )
    .selectFrom('written')
    .select(['store_id', 'product_id'])
    .execute();
}
