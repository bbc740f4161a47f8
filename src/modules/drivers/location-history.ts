import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { Stoppable } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { driverLocationsRepository, type HistoryPoint } from './driver-locations.repository.ts';

export interface LocationHistory extends Stoppable {
  add(points: readonly HistoryPoint[]): void;
  /** Points waiting to be written. */
  size(): number;
  /** Writes what is buffered now (also what a periodic flush does). */
  flush(): Promise<number>;
}

const FLUSH_MS = 1000;
const ROWS_PER_STATEMENT = 5000;

/**
 * Buffers throttled history points and writes them in batches: one statement per 5,000 points
 * stores the points and moves each driver's last known position (what rebuilds the live index if
 * Redis is lost). A failed write keeps the points for the next flush; the buffer's cap is enforced
 * by ingest, which sheds new uploads instead of growing it.
 */
export function createLocationHistory(db: Db, logger: Logger): LocationHistory {
  const repo = driverLocationsRepository(db);
  let buffer: HistoryPoint[] = [];
  let flushing: Promise<number> | null = null;

  async function flushNow(): Promise<number> {
    let written = 0;
    while (buffer.length > 0) {
      const rows = buffer.slice(0, ROWS_PER_STATEMENT);
      await repo.addHistory(rows);
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
