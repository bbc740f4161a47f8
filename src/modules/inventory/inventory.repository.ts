import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/pool.ts';

export interface StockLevel {
  storeId: string;
  productId: string;
  onHand: number;
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
  const res = await sql<{ store_id: string; product_id: string }>`
    WITH input AS (
      SELECT * FROM unnest(${rows.map(() => uuidv7())}::uuid[], ${rows.map((r) => r.storeId)}::uuid[],
                           ${rows.map((r) => r.productId)}::uuid[], ${rows.map((r) => r.onHand)}::int[])
        AS t(audit_id, store_id, product_id, on_hand)
    ), before AS (
      SELECT s.store_id, s.product_id, s.on_hand FROM stock s JOIN input i USING (store_id, product_id)
    ), written AS (
      INSERT INTO stock AS s (store_id, product_id, on_hand)
      SELECT store_id, product_id, on_hand FROM input
      ON CONFLICT (store_id, product_id) DO UPDATE
        SET on_hand = EXCLUDED.on_hand, updated_at = now()
        WHERE s.reserved <= EXCLUDED.on_hand
      RETURNING s.store_id, s.product_id, s.on_hand
    ), audited AS (
      INSERT INTO stock_adjustments (id, store_id, product_id, kind, delta, on_hand_after, reason, actor)
      SELECT i.audit_id, w.store_id, w.product_id, ${audit.kind}, w.on_hand - coalesce(b.on_hand, 0), w.on_hand, ${audit.reason}, ${audit.actor}
      FROM written w JOIN input i USING (store_id, product_id) LEFT JOIN before b USING (store_id, product_id)
      WHERE w.on_hand IS DISTINCT FROM b.on_hand
    )
    SELECT store_id, product_id FROM written`.execute(db);
  return res.rows;
}
