import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Stoppable } from '../../platform/module.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { daysAhead, firstKeptDay } from './location-days.ts';
import { locationPartitionsRepository } from './location-partitions.repository.ts';

/** Partitions exist for today and this many days after: an insert finds its day's partition. */
export const PARTITION_DAYS_AHEAD = 2;
const MAINTAIN_EVERY_MS = 3_600_000;

export interface PartitionChanges {
  created: string[];
  dropped: string[];
}

/**
 * Keeps the location history's day partitions (migrations/0002): makes the ones for today and the
 * next two days, and drops each day whose every row is older than `retentionDays` (a whole table
 * dropped: no rows deleted, nothing left to vacuum).
 *
 * There is no DEFAULT partition. Rows that fell into one would escape the dropping of days, and
 * Postgres refuses to make a day's partition while the default holds rows of that day; each new
 * partition would also have to scan the default under an exclusive lock. Instead partitions are
 * made ahead, and the history writer makes a missing day itself (location-history.ts).
 */
export async function maintainLocationPartitions(
  db: Db,
  now: number,
  opts: { retentionDays: number; aheadDays?: number },
): Promise<PartitionChanges> {
  const repo = locationPartitionsRepository(db);
  const created = await repo.ensure(daysAhead(now, opts.aheadDays ?? PARTITION_DAYS_AHEAD));
  const first = firstKeptDay(now, opts.retentionDays);
  const old = (await repo.list()).filter((p) => p.day < first);
  const dropped = old.length > 0 ? ((await repo.drop(old)) ?? []) : [];
  return { created, dropped };
}

/** Worker role: maintains the partitions at start and every hour after. */
export function startLocationRetention(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  retentionDays: number;
}): Stoppable {
  const loop = runPeriodically(
    'driver location partitions',
    MAINTAIN_EVERY_MS,
    async () => {
      const changes = await maintainLocationPartitions(deps.db, deps.clock.now(), deps);
      if (changes.created.length + changes.dropped.length > 0)
        deps.logger.info(changes, 'driver location partitions changed');
    },
    deps.logger,
  );
  loop.wake();
  return loop;
}
