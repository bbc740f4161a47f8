import { sql } from 'kysely';
import type { Db } from '../src/platform/db/pool.ts';

export interface OptionAArgs {
  id: string;
  storeId: string;
  owner: string;
  lines: ReadonlyArray<{ productId: string; quantity: number }>;
  expiresAt: Date;
}

export class OptionAShort extends Error {
  constructor(readonly short: string[]) {
    super(`out of stock: ${short.join(', ')}`);
  }
}

/**
 * Option A in its strongest form, the reserve benchmark's baseline: one transaction that first
 * writes the reservation and its lines (one statement, before any lock is taken), then locks the
 * stock rows with SELECT … FOR UPDATE, checks them and applies one UPDATE, and commits. The row
 * locks are held for two round trips and the commit, not for the inserts too. Throws OptionAShort
 * (everything rolled back) when a line lacks stock.
 */
export async function reserveOptionA(db: Db, a: OptionAArgs): Promise<void> {
  const products = a.lines.map((l) => l.productId);
  const quantities = a.lines.map((l) => l.quantity);
  await db.transaction().execute(async (trx) => {
    await sql`WITH r AS (
        INSERT INTO reservations (id, store_id, owner, status, expires_at)
        VALUES (${a.id}::uuid, ${a.storeId}::uuid, ${a.owner}, 'held', ${a.expiresAt.toISOString()}::timestamptz)
        RETURNING id)
      INSERT INTO reservation_lines (reservation_id, product_id, quantity)
      SELECT r.id, l.product_id, l.quantity FROM r, unnest(${products}::uuid[], ${quantities}::int[]) AS l(product_id, quantity)`.execute(
      trx,
    );
    const rows = await sql<{ product_id: string; free: number }>`
      SELECT product_id, on_hand - reserved AS free FROM stock
      WHERE store_id = ${a.storeId}::uuid AND product_id = ANY(${products}::uuid[])
      ORDER BY product_id FOR UPDATE`.execute(trx);
    const free = new Map(rows.rows.map((r) => [r.product_id, r.free]));
    const short = a.lines.filter((l) => (free.get(l.productId) ?? 0) < l.quantity);
    if (short.length > 0) throw new OptionAShort(short.map((l) => l.productId));
    await sql`UPDATE stock s SET reserved = s.reserved + l.quantity, updated_at = now()
      FROM unnest(${products}::uuid[], ${quantities}::int[]) AS l(product_id, quantity)
      WHERE s.store_id = ${a.storeId}::uuid AND s.product_id = l.product_id`.execute(trx);
  });
}
