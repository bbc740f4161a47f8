import type { Logger } from 'pino';
import { uuidv7 } from 'uuidv7';
import {
  announceProcess,
  forgetOtherProcesses,
  refreshProcess,
  retireProcess,
  STALE_AFTER_S,
} from './db/live-processes.repository.ts';
import type { Db } from './db/pool.ts';
import { runPeriodically } from './periodic.ts';

export interface Liveness {
  /** This process's id for its lifetime (a new one at every start). */
  id: string;
  stop(): Promise<void>;
}

/**
 * Says in the database that this process is alive, every few seconds, so what it claimed can be
 * recognised as orphaned soon after it dies rather than when a long lock runs out.
 */
export async function startLiveness(
  db: Db,
  instance: string,
  logger: Logger,
  opts: { soleProcess?: boolean } = {},
): Promise<Liveness> {
  const id = uuidv7();
  await announceProcess(db, id, instance);
  // On a database no other process can reach (embedded), every other row is a dead predecessor:
  // requests it left in flight are free for their retries at once.
  if (opts.soleProcess) await forgetOtherProcesses(db, id);
  const beat = runPeriodically(
    'liveness',
    Math.max(1000, (STALE_AFTER_S * 1000) / 4),
    () => refreshProcess(db, id, instance),
    logger,
  );
  return {
    id,
    async stop() {
      await beat.stop();
      await retireProcess(db, id).catch(() => {});
    },
  };
}
