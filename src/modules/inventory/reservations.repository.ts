import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

export interface ReservationLine {
  productId: string;
  quantity: number;
}

export interface ReserveArgs {
  id: string;
  storeId: string;
  owner: string;
  lines: readonly ReservationLine[];
  expiresAt: Date;
}

export type FinishTo = 'confirmed' | 'released' | 'expired';

/** Option B: one conditional statement (see inventory_reserve in the migration). */
export async function reserveConditional(db: Db, a: ReserveArgs): Promise<void> {
  await sql`SELECT inventory_reserve(${a.id}::uuid, ${a.storeId}::uuid, ${a.owner}, ${a.lines.map((l) => l.productId)}::uuid[],
    ${a.lines.map((l) => l.quantity)}::int[], ${a.expiresAt.toISOString()}::timestamptz)`.execute(
    db,
  );
}

export type EachOutcome =
  | { ok: true }
  | { ok: false; error: 'out_of_stock'; short: string[] }
  | { ok: false; error: 'owner_already_holds' };

/**
 * Option B for several reservations in one statement (`inventory_reserve_each`), each at its own
 * store and each all or nothing in its own subtransaction. Outcomes in the order given.
 */
export async function reserveEach(db: Db, all: readonly ReserveArgs[]): Promise<EachOutcome[]> {
  const lineRes: number[] = [];
  const products: string[] = [];
  const quantities: number[] = [];
  all.forEach((a, i) => {
    for (const l of a.lines) {
      lineRes.push(i + 1);
      products.push(l.productId);
      quantities.push(l.quantity);
    }
  });
  const res = await sql<{
    reservation_id: string;
    error: string | null;
    short: string[];
  }>`SELECT * FROM inventory_reserve_each(
    ${all.map((a) => a.id)}::uuid[], ${all.map((a) => a.storeId)}::uuid[], ${all.map((a) => a.owner)}::text[],
    ${all.map((a) => a.expiresAt.toISOString())}::timestamptz[], ${lineRes}::int[], ${products}::uuid[], ${quantities}::int[])`.execute(
    db,
  );
  const byId = new Map(res.rows.map((r) => [r.reservation_id, r]));
  return all.map((a): EachOutcome => {
    const r = byId.get(a.id);
    if (!r) throw new Error(`inventory_reserve_each gave no answer for reservation ${a.id}`);
    if (!r.error) return { ok: true };
    return r.error === 'out_of_stock'
      ? { ok: false, error: 'out_of_stock', short: r.short }
      : { ok: false, error: 'owner_already_holds' };
  });
}

/**
 * Option A, the benchmark baseline: lock the rows with SELECT … FOR UPDATE, check in the
 * application, then update. Correct, but holds the row locks across two more round trips.
 * Must run inside a transaction. Returns the products that lacked stock (nothing written then).
 */
export async function reserveLocking(trx: Db, a: ReserveArgs): Promise<string[]> {
  const ids = a.lines.map((l) => l.productId);
  const rows = await sql<{
    product_id: string;
    free: number;
  }>`SELECT product_id, on_hand - reserved AS free FROM stock
    WHERE store_id = ${a.storeId}::uuid AND product_id = ANY(${ids}::uuid[]) ORDER BY product_id FOR UPDATE`.execute(
    trx,
  );
  const free = new Map(rows.rows.map((r) => [r.product_id, r.free]));
  const short = a.lines
    .filter((l) => (free.get(l.productId) ?? 0) < l.quantity)
    .map((l) => l.productId);
  if (short.length > 0) return short;
  await sql`UPDATE stock s SET reserved = s.reserved + l.quantity, updated_at = now()
    FROM unnest(${ids}::uuid[], ${a.lines.map((l) => l.quantity)}::int[]) AS l(product_id, quantity)
    WHERE s.store_id = ${a.storeId}::uuid AND s.product_id = l.product_id`.execute(trx);
  await sql`INSERT INTO reservations (id, store_id, owner, status, expires_at)
    VALUES (${a.id}::uuid, ${a.storeId}::uuid, ${a.owner}, 'held', ${a.expiresAt.toISOString()}::timestamptz)`.execute(
    trx,
  );
  await sql`INSERT INTO reservation_lines (reservation_id, product_id, quantity)
    SELECT ${a.id}::uuid, * FROM unnest(${ids}::uuid[], ${a.lines.map((l) => l.quantity)}::int[])`.execute(
    trx,
  );
  return [];
}

/**
 * Moves a held reservation to `to` and gives its units back (or takes the picked ones out of
 * stock). Returns the reservation's store when it moved, null when it was no longer held.
 */
export async function finishReservation(
  db: Db,
  id: string,
  to: FinishTo,
  now: Date,
  picked?: readonly ReservationLine[],
): Promise<string | null> {
  // The store id never changes, so reading it in the same statement costs no extra round trip.
  const res = await sql<{
    ok: boolean;
    store_id: string | null;
  }>`SELECT inventory_finish(${id}::uuid, ${to}, ${(picked ?? []).map((p) => p.productId)}::uuid[],
    ${(picked ?? []).map((p) => p.quantity)}::int[], ${now.toISOString()}::timestamptz) AS ok,
    (SELECT store_id FROM reservations WHERE id = ${id}::uuid) AS store_id`.execute(db);
  const row = res.rows[0];
  return row?.ok === true ? row.store_id : null;
}

/** Several expiry moves in one statement; answers, per reservation, whether it was still held. */
export async function extendReservations(
  db: Db,
  moves: ReadonlyArray<{ id: string; until: Date }>,
): Promise<boolean[]> {
  const res = await sql<{
    id: string;
  }>`UPDATE reservations r SET expires_at = m.until, updated_at = now()
    FROM unnest(${moves.map((m) => m.id)}::uuid[], ${moves.map((m) => m.until.toISOString())}::timestamptz[]) AS m(id, until)
    WHERE r.id = m.id AND r.status = 'held' RETURNING r.id`.execute(db);
  const moved = new Set(res.rows.map((r) => r.id));
  return moves.map((m) => moved.has(m.id));
}

export async function heldReservationOf(
  db: Db,
  owner: string,
): Promise<{ id: string; store_id: string } | undefined> {
  const res = await sql<{ id: string; store_id: string }>`SELECT id, store_id FROM reservations
    WHERE owner = ${owner} AND status = 'held' FOR UPDATE`.execute(db);
  return res.rows[0];
}

export async function findReservation(db: Db, id: string) {
  const res = await sql<{
    id: string;
    store_id: string;
    owner: string;
    status: string;
    expires_at: Date;
  }>`
    SELECT id, store_id, owner, status, expires_at FROM reservations WHERE id = ${id}::uuid`.execute(
    db,
  );
  const r = res.rows[0];
  if (!r) return undefined;
  const lines = await sql<{
    product_id: string;
    quantity: number;
  }>`SELECT product_id, quantity FROM reservation_lines
    WHERE reservation_id = ${id}::uuid ORDER BY product_id`.execute(db);
  return { ...r, lines: lines.rows };
}

/** Held reservations past their expiry, claimed so concurrent sweepers never take the same. */
export async function dueReservations(db: Db, now: Date, limit: number): Promise<string[]> {
  const res = await sql<{
    id: string;
  }>`SELECT id FROM reservations WHERE status = 'held' AND expires_at <= ${now.toISOString()}::timestamptz
    ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`.execute(db);
  return res.rows.map((r) => r.id);
}

export async function adjustStock(
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
): Promise<{ on_hand: number; reserved: number } | undefined> {
  const res = await sql<{ on_hand: number; reserved: number }>`
    WITH upd AS (
      UPDATE stock SET on_hand = on_hand + ${a.delta}, updated_at = now()
      WHERE store_id = ${a.storeId}::uuid AND product_id = ${a.productId}::uuid AND on_hand + ${a.delta} >= reserved
      RETURNING on_hand, reserved
    ), audit AS (
      INSERT INTO stock_adjustments (id, store_id, product_id, kind, delta, on_hand_after, reason, actor)
      SELECT ${a.auditId}::uuid, ${a.storeId}::uuid, ${a.productId}::uuid, ${a.kind}, ${a.delta}, on_hand, ${a.reason}, ${a.actor} FROM upd
    )
    SELECT on_hand, reserved FROM upd`.execute(db);
  return res.rows[0];
}

export async function stockOf(db: Db, storeId: string, productId: string) {
  const res = await sql<{ on_hand: number; reserved: number }>`SELECT on_hand, reserved FROM stock
    WHERE store_id = ${storeId}::uuid AND product_id = ${productId}::uuid`.execute(db);
  return res.rows[0];
}

export async function auditTrail(db: Db, storeId: string, productId: string, limit: number) {
  const res = await sql<{
    id: string;
    kind: string;
    delta: number;
    on_hand_after: number;
    reason: string;
    actor: string;
    created_at: Date;
  }>`
    SELECT id, kind, delta, on_hand_after, reason, actor, created_at FROM stock_adjustments
    WHERE store_id = ${storeId}::uuid AND product_id = ${productId}::uuid ORDER BY created_at DESC, id DESC LIMIT ${limit}`.execute(
    db,
  );
  return res.rows;
}
