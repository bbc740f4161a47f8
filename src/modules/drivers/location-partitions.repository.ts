import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { DAY_MS, partitionDay, partitionName } from './location-days.ts';

export interface LocationPartition {
  name: string;
  /** The day it holds (its start, epoch ms). */
  day: number;
  /** A partition of driver_locations now (false: detached, left for dropping). */
  attached: boolean;
  /** A detach that was interrupted: to be finalized before the table can go. */
  detaching: boolean;
}

// Advisory locks: one process at a time creates partitions, and one at a time drops them.
const CREATE_LOCK = 7_042_025_101;
const DROP_LOCK = 7_042_025_102;

/** A partition bound: the instant a day starts, as a literal (DDL takes no parameters). */
const bound = (ms: number) => sql.lit(new Date(ms).toISOString());

/**
 * The DDL of the location history's day partitions (migrations/0002). Raw SQL throughout: Kysely
 * has no builder for partitions, advisory locks or the catalog.
 */
export function locationPartitionsRepository(db: Db) {
  return {
    /** Every day partition of driver_locations, and day tables detached but not yet dropped. */
    async list(): Promise<LocationPartition[]> {
      const res = await sql<{ name: string; attached: boolean; detaching: boolean }>`
        SELECT c.relname AS name, i.inhrelid IS NOT NULL AS attached,
               coalesce(i.inhdetachpending, false) AS detaching
        FROM pg_class c
        LEFT JOIN pg_inherits i
          ON i.inhrelid = c.oid AND i.inhparent = 'driver_locations'::regclass
        WHERE c.relkind = 'r'
          AND c.relnamespace = (SELECT relnamespace FROM pg_class
                                WHERE oid = 'driver_locations'::regclass)
          AND c.relname ~ '^driver_locations_p[0-9]{8}$'
        ORDER BY c.relname`.execute(db);
      return res.rows.flatMap((r) => {
        const day = partitionDay(r.name);
        return day === null ? [] : [{ ...r, day }];
      });
    },

    /**
     * Makes sure each of these days has its partition; returns the ones it made. Each is made as
     * a table of its own and then attached, which locks driver_locations in SHARE UPDATE
     * EXCLUSIVE mode only (CREATE TABLE … PARTITION OF would take it exclusively): reads and
     * writes of the history go on meanwhile. Processes that do it at once take turns.
     */
    async ensure(days: readonly number[]): Promise<string[]> {
      return db.transaction().execute(async (trx) => {
        await sql`SET LOCAL lock_timeout = '5s'`.execute(trx);
        await sql`SELECT pg_advisory_xact_lock(${CREATE_LOCK})`.execute(trx);
        const made: string[] = [];
        for (const day of days) {
          const name = partitionName(day);
          const have = await sql<{ attached: boolean }>`
            SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid) AS attached
            FROM pg_class c WHERE c.oid = to_regclass(${name})`.execute(trx);
          const row = have.rows[0];
          if (row?.attached) continue;
          if (!row)
            await sql`CREATE TABLE ${sql.id(name)}
              (LIKE driver_locations INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`.execute(trx);
          await sql`ALTER TABLE driver_locations ATTACH PARTITION ${sql.id(name)}
            FOR VALUES FROM (${bound(day)}) TO (${bound(day + DAY_MS)})`.execute(trx);
          made.push(name);
        }
        return made;
      });
    },

    /**
     * Detaches and drops these partitions; returns the ones dropped, or null when another
     * process is dropping now. DETACH … CONCURRENTLY locks driver_locations in SHARE UPDATE
     * EXCLUSIVE mode and waits for the queries already running instead of blocking new ones; it
     * cannot run in a transaction, so the statements run one by one on one connection, which
     * holds the lock. A detach cut short is finalized by the next run, and a table detached but
     * not dropped is dropped then.
     */
    async drop(partitions: readonly LocationPartition[]): Promise<string[] | null> {
      return db.connection().execute(async (conn) => {
        const got = await sql<{ ok: boolean }>`
          SELECT pg_try_advisory_lock(${DROP_LOCK}) AS ok`.execute(conn);
        if (!got.rows[0]?.ok) return null;
        const dropped: string[] = [];
        // An interrupted detach is finished first: no other can start while one is pending.
        const ordered = [...partitions].sort((a, b) => Number(b.detaching) - Number(a.detaching));
        try {
          for (const p of ordered) {
            const table = sql.id(p.name);
            if (p.detaching)
              await sql`ALTER TABLE driver_locations DETACH PARTITION ${table} FINALIZE`.execute(
                conn,
              );
            else if (p.attached)
              await sql`ALTER TABLE driver_locations DETACH PARTITION ${table} CONCURRENTLY`.execute(
                conn,
              );
            await sql`DROP TABLE IF EXISTS ${table}`.execute(conn);
            dropped.push(p.name);
          }
        } finally {
          await sql`SELECT pg_advisory_unlock(${DROP_LOCK})`.execute(conn);
        }
        return dropped;
      });
    },
  };
}
