import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { inventoryDb } from './inventory-tables.ts';

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
  // Raw: calls the SQL function inventory_reserve (migration 0003), arguments cast to arrays.
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
  // Raw: reads the SQL function inventory_reserve_each (migration 0005), arguments cast to arrays.
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

/** The lines as rows: one array parameter per column, however many lines. */
function lineRows(lines: readonly ReservationLine[]) {
  // Raw: a multi-array unnest with a column list (… AS t(product_id, quantity)): no Kysely builder.
  return sql<{ product_id: string; quantity: number }>`(SELECT * FROM unnest(
    ${lines.map((l) => l.productId)}::uuid[], ${lines.map((l) => l.quantity)}::int[])
    AS t(product_id, quantity))`;
}

/**
 * Option A, the benchmark baseline: lock the rows with SELECT … FOR UPDATE, check in the
 * application, then update. Correct, but holds the row locks across two more round trips.
 * Must run inside a transaction. Returns the products that lacked stock (nothing written then).
 */
export async function reserveLocking(trx: Db, a: ReserveArgs): Promise<string[]> {
  const q = inventoryDb(trx);
  const ids = a.lines.map((l) => l.productId);
  const rows = await q
    .selectFrom('stock')
    .select((eb) => ['product_id', eb('on_hand', '-', eb.ref('reserved')).as('free')])
    .where('store_id', '=', a.storeId)
    .where((eb) => eb('product_id', '=', eb.fn.any(eb.val(ids))))
    .orderBy('product_id')
    .forUpdate()
    .execute();
  const free = new Map(rows.map((r) => [r.product_id, r.free]));
  const short = a.lines
    .filter((l) => (free.get(l.productId) ?? 0) < l.quantity)
    .map((l) => l.productId);
  if (short.length > 0) return short;
  await q
    .updateTable('stock as s')
    .from(lineRows(a.lines).as('l'))
    .set((eb) => ({
      reserved: eb('s.reserved', '+', eb.ref('l.quantity')),
      updated_at: eb.fn('now'),
    }))
    .where('s.store_id', '=', a.storeId)
    .whereRef('s.product_id', '=', 'l.product_id')
    .execute();
  await q
    .insertInto('reservations')
    .values({
      id: a.id,
      store_id: a.storeId,
      owner: a.owner,
      status: 'held',
      expires_at: a.expiresAt,
    })
    .execute();
  await q
    .insertInto('reservation_lines')
    .columns(['reservation_id', 'product_id', 'quantity'])
    .expression(
      q
        .selectFrom(lineRows(a.lines).as('l'))
        .select((eb) => [eb.val(a.id).as('reservation_id'), 'l.product_id', 'l.quantity']),
    )
    .execute();
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
  const products = (picked ?? []).map((p) => p.productId);
  const quantities = (picked ?? []).map((p) => p.quantity);
  // The store id never changes, so reading it in the same statement costs no extra round trip.
  const row = await inventoryDb(db)
    .selectNoFrom((eb) => [
      // Raw: calls the SQL function inventory_finish (migration 0003), arguments cast to arrays.
      sql<boolean>`inventory_finish(${id}::uuid, ${to}, ${products}::uuid[], ${quantities}::int[],
        ${now.toISOString()}::timestamptz)`.as('ok'),
      eb.selectFrom('reservations').select('store_id').where('id', '=', id).as('store_id'),
    ])
    .executeTakeFirst();
  return row?.ok === true ? row.store_id : null;
}

/** Several expiry moves in one statement; answers, per reservation, whether it was still held. */
export async function extendReservations(
  db: Db,
  moves: ReadonlyArray<{ id: string; until: Date }>,
): Promise<boolean[]> {
  const ids = moves.map((m) => m.id);
  const untils = moves.map((m) => m.until.toISOString());
  // Raw: a multi-array unnest with a column list (… AS t(id, until)) has no Kysely builder.
  const rows = sql<{ id: string; until: Date }>`(SELECT * FROM unnest(
    ${ids}::uuid[], ${untils}::timestamptz[]) AS t(id, until))`;
  const res = await inventoryDb(db)
    .updateTable('reservations as r')
    .from(rows.as('m'))
    .set((eb) => ({ expires_at: eb.ref('m.until'), updated_at: eb.fn('now') }))
    .whereRef('r.id', '=', 'm.id')
    .where('r.status', '=', 'held')
    .returning('r.id')
    .execute();
  const moved = new Set(res.map((r) => r.id));
  return moves.map((m) => moved.has(m.id));
}

export function heldReservationOf(db: Db, owner: string) {
  return inventoryDb(db)
    .selectFrom('reservations')
    .select(['id', 'store_id'])
    .where('owner', '=', owner)
    .where('status', '=', 'held')
    .forUpdate()
    .executeTakeFirst();
}

export async function findReservation(db: Db, id: string) {
  const q = inventoryDb(db);
  const r = await q
    .selectFrom('reservations')
    .select(['id', 'store_id', 'owner', 'status', 'expires_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  const lines = await q
    .selectFrom('reservation_lines')
    .select(['product_id', 'quantity'])
    .where('reservation_id', '=', id)
    .orderBy('product_id')
    .execute();
  return { ...r, lines };
}

/** Held reservations past their expiry, claimed so concurrent sweepers never take the same. */
export async function dueReservations(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await inventoryDb(db)
    .selectFrom('reservations')
    .select('id')
    .where('status', '=', 'held')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => r.id);
}
