import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { SqlState, sqlState } from '../../platform/errors.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { Stoppable } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { driverLocationsRepository, type HistoryPoint } from './driver-locations.repository.ts';
import { daysOf, firstKeptDay } from './location-days.ts';
import { locationPartitionsRepository } from './location-partitions.repository.ts';

export interface LocationHistory extends Stoppable {
  add(points: readonly HistoryPoint[]): void;
  /** Points waiting to be written. */
  size(): number;
  /** Writes what is buffered now (also what a periodic flush does). */
  flush(): Promise<number>;
}

export interface LocationHistoryOptions {
  clock: Clock;
  /** Days of history kept: an older point would land in a day already dropped, so it is not written. */
  retentionDays: number;
}

const FLUSH_MS = 1000;
const ROWS_PER_STATEMENT = 5000;

/**
 * Buffers throttled history points and writes them in batches: one statement per 5,000 points
 * stores the points and moves each driver's last known position (what rebuilds the live index if
 * Redis is lost). A failed write keeps the points for the next flush; the buffer's cap is enforced
 * by ingest, which sheds new uploads instead of growing it.
 */
export function createLocationHistory(
  db: Db,
  logger: Logger,
  opts: LocationHistoryOptions,
): LocationHistory {
  const repo = driverLocationsRepository(db);
  const partitions = locationPartitionsRepository(db);
  let buffer: HistoryPoint[] = [];
  let flushing: Promise<number> | null = null;

  async function write(rows: readonly HistoryPoint[]): Promise<void> {
    try {
      await repo.addHistory(rows);
    } catch (err) {
      // The history's only check is the partition bound (driver_locations has no CHECK): a day
      // with no partition yet, because no worker has run since it began or a phone sent points
      // kept offline. Its partition is made here, and the write tried once more.
      if (sqlState(err) !== SqlState.CHECK_VIOLATION) throw err;
      const made = await partitions.ensure(daysOf(rows.map((p) => p.at)));
      logger.warn({ made }, 'location history: made the partitions a write needed');
      await repo.addHistory(rows);
    }
  }

  async function flushNow(): Promise<number> {
    const first = firstKeptDay(opts.clock.now(), opts.retentionDays);
    buffer = buffer.filter((p) => p.at >= first);
    let written = 0;
    while (buffer.length > 0) {
      const rows = buffer.slice(0, ROWS_PER_STATEMENT);
      await write(rows);
      buffer = buffer.slice(rows.length);
      written += rows.length;
    }
    return written;
  }

  const flush = (): Promise<number> => {
    flushing ??= flushNow().finally(() => {
      flushing = null;
    });
    return flushing;
  };

  const periodic = runPeriodically('location history flush', FLUSH_MS, flush, logger);

  return {
    add(points) {
      for (const p of points) buffer.push(p);
    },
    size: () => buffer.length,
    flush,
    async stop() {
      await periodic.stop();
      await flush().catch((err: unknown) =>
        logger.warn({ err, lost: buffer.length }, 'location history not written at shutdown'),
      );
    },
  };
}
