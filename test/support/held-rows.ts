import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../src/platform/db/pool.ts';
import type { TestPlatform } from './platform.ts';

// A dependency that cannot answer, made the way it happens: rows it needs are held by another
// transaction, so its statements on them wait and then fail (at once with the platform's
// LASTMILE_DB_LOCK_TIMEOUT_MS set short; a durable step then retries).

export interface HeldRows {
  /** Ends the holding transaction and waits for it. */
  release(): Promise<void>;
}

/**
 * Runs `lock` (a `SELECT … FOR UPDATE`, or a write) in a transaction on `db` kept open until
 * `release()`: others' statements on those rows wait until then.
 */
export async function holdRows(db: Db, lock: RawBuilder<unknown>): Promise<HeldRows> {
  let release = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  let locked = () => {};
  const holding = new Promise<void>((r) => {
    locked = r;
  });
  const holder = db.transaction().execute(async (trx) => {
    await lock.execute(trx);
    locked();
    await released;
  });
  // A lock statement that fails is reported here rather than waited on.
  await Promise.race([holding, holder]);
  return {
    async release() {
      release();
      await holder;
    },
  };
}

/** The fake payment provider cannot answer for the order: its payment row is held. */
export const holdPaymentRow = (t: TestPlatform, orderId: string): Promise<HeldRows> =>
  holdRows(
    t.platform.ctx.db,
    sql`SELECT 1 FROM fakepay_payments WHERE reference = ${orderId} FOR UPDATE`,
  );

/** The inventory cannot give the order's stock back or take it: its reservation row is held. */
export const holdReservationOf = (t: TestPlatform, orderId: string): Promise<HeldRows> =>
  holdRows(
    t.platform.ctx.db,
    sql`SELECT 1 FROM reservations r JOIN orders o ON o.reservation_id = r.id
      WHERE o.id = ${orderId} FOR UPDATE OF r`,
  );
