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
        .columns(ADJUSTMENT_COLUMNS)
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

/**
 * An audit row of `stock_adjustments`, in the order both writers select its values; the audit
 * trail reads the same columns.
 */
const ADJUSTMENT_COLUMNS = [
  'id',
  'store_id',
  'product_id',
  'kind',
  'delta',
  'on_hand_after',
  'reason',
  'actor',
] as const;

/** A stock row as the API shows it (available = on hand − reserved). */
const STOCK_COLUMNS = ['store_id', 'product_id', 'on_hand', 'reserved', 'updated_at'] as const;

/**
 * Adds `delta` to the units on hand with its audit row, in one statement; undefined when the row
 * is missing or the change would leave fewer units than are reserved.
 */
export function adjustStock(
  db: Db,
  a: {
    storeId: string;
    productId: string;
    delta: number;
    kind: 'restock' | 'adjustment';
    reason: string;
    actor: string;
    auditId: string;
  },
) {
  return inventoryDb(db)
    .with('upd', (w) =>
      w
        .updateTable('stock')
        .set((eb) => ({ on_hand: eb('on_hand', '+', a.delta), updated_at: eb.fn('now') }))
        .where('store_id', '=', a.storeId)
        .where('product_id', '=', a.productId)
        .where((eb) => eb(eb('on_hand', '+', a.delta), '>=', eb.ref('reserved')))
        .returning(STOCK_COLUMNS),
    )
    .with('audit', (w) =>
      w
        .insertInto('stock_adjustments')
        .columns(ADJUSTMENT_COLUMNS)
        .expression(
          w
            .selectFrom('upd')
            .select((eb) => [
              eb.val(a.auditId).as('id'),
              eb.val(a.storeId).as('store_id'),
              eb.val(a.productId).as('product_id'),
              eb.val(a.kind).as('kind'),
              eb.val(a.delta).as('delta'),
              'on_hand',
              eb.val(a.reason).as('reason'),
              eb.val(a.actor).as('actor'),
            ]),
        ),
    )
    .selectFrom('upd')
    .select(STOCK_COLUMNS)
    .executeTakeFirst();
}

export function stockOf(db: Db, storeId: string, productId: string) {
  return inventoryDb(db)
    .selectFrom('stock')
    .select(STOCK_COLUMNS)
    .where('store_id', '=', storeId)
    .where('product_id', '=', productId)
    .executeTakeFirst();
}

/**
 * What `holder` (a cart: `cart:<id>`) can have of each product at the store right now, in one
 * statement: the free units (on hand − reserved) plus what the holder's own held reservation there
 * holds of it (at most one per owner). A product the store has no stock row for is left out.
 */
export function availableToHolder(
  db: Db,
  p: { storeId: string; productIds: readonly string[]; holder: string },
) {
  return inventoryDb(db)
    .selectFrom('stock as s')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('reservations as r')
          .innerJoin('reservation_lines as l', 'l.reservation_id', 'r.id')
          .select(['l.product_id', 'l.quantity'])
          .where('r.owner', '=', p.holder)
          .where('r.status', '=', 'held')
          .where('r.store_id', '=', p.storeId)
          .as('h'),
      (j) => j.onRef('h.product_id', '=', 's.product_id'),
    )
    .select((eb) => [
      's.product_id',
      eb(
        eb('s.on_hand', '-', eb.ref('s.reserved')),
        '+',
        eb.fn.coalesce('h.quantity', eb.lit(0)),
      ).as('available'),
    ])
    .where('s.store_id', '=', p.storeId)
    .where((eb) => eb('s.product_id', '=', eb.fn.any(eb.val([...p.productIds]))))
    .execute();
}

/** Where an audit row stands in the trail: its time in microseconds since 1970 (exact), then id. */
export interface AuditPosition {
  micros: string;
  id: string;
}

/** The audit trail of one item, newest first, the `limit` rows after `before`. */
export function auditTrail(
  db: Db,
  p: { storeId: string; productId: string; before?: AuditPosition; limit: number },
) {
  let query = inventoryDb(db)
    .selectFrom('stock_adjustments')
    .select([
      ...ADJUSTMENT_COLUMNS,
      'created_at',
      // Raw: a timestamp to the microsecond, which a JS Date cannot hold, for the page cursor.
      sql<string>`(extract(epoch FROM created_at) * 1000000)::bigint::text`.as('micros'),
    ])
    .where('store_id', '=', p.storeId)
    .where('product_id', '=', p.productId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(p.limit);
  const before = p.before;
  if (before) {
    // Raw: the cursor's microseconds back to a timestamp, exactly (integer interval arithmetic).
    const at = sql<Date>`timestamptz 'epoch' + ${before.micros}::bigint * interval '1 microsecond'`;
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', at),
        eb.and([eb('created_at', '=', at), eb('id', '<', before.id)]),
      ]),
    );
  }
  return query.execute();
}
