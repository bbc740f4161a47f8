import { type Expression, sql } from 'kysely';
import type { Db } from './pool.ts';

/** Rows one prune statement deletes at most: each statement holds its row locks briefly. */
export const PRUNE_BATCH_ROWS = 5000;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The column a prune selects to name its rows: their physical address (see `deleteSelected`). */
export const ROW_ADDRESS = sql<string>`ctid`.as('ctid');

/**
 * Deletes from `table` the rows `selected` picks, by their physical address (`ROW_ADDRESS`), and
 * returns how many. The planner then fetches exactly those rows (a TID scan) instead of joining
 * the pick with the whole table. `selected` is limited and locks what it picks (FOR UPDATE SKIP
 * LOCKED), so the rows stay where they are until the delete and a row another transaction holds
 * is left for a later batch. Raw: Kysely has no `ctid = ANY(ARRAY(subquery))`.
 */
export async function deleteSelected(
  db: Db,
  table: string,
  selected: Expression<unknown>,
): Promise<number> {
  const res = await sql`DELETE FROM ${sql.table(table)}
    WHERE ctid = ANY(ARRAY(${selected}))`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/** One growing table's retention, enforced by deleting what is past it in bounded batches. */
export interface PruneJob {
  /** The table (for logs). */
  table: string;
  /** How often the job runs. */
  everyMs: number;
  /**
   * Deletes at most `limit` rows that are past retention at `now`, rows other pruners hold
   * skipped; returns how many it deleted.
   */
  deleteBatch(now: Date, limit: number): Promise<number>;
}

/**
 * Deletes everything past retention, one bounded statement after another, until a statement
 * deletes less than a batch (nothing more to do) or `stopped()` says the process is stopping.
 */
export async function pruneAll(
  job: Pick<PruneJob, 'deleteBatch'>,
  now: Date,
  opts: { batchRows?: number; stopped?: () => boolean } = {},
): Promise<number> {
  const limit = opts.batchRows ?? PRUNE_BATCH_ROWS;
  let total = 0;
  for (;;) {
    const n = await job.deleteBatch(now, limit);
    total += n;
    if (n < limit || opts.stopped?.()) return total;
  }
}
