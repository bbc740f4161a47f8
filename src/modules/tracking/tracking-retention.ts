import type { Db } from '../../platform/db/pool.ts';
import { DAY_MS, HOUR_MS, type PruneJob } from '../../platform/db/prune.ts';
import { trackingMessagesRepository } from './tracking.repository.ts';

/** The message log of an order goes `retentionDays` after its tracking ended. */
export function trackingMessagesPrune(db: Db, retentionDays: number): PruneJob {
  const messages = trackingMessagesRepository(db);
  return {
    table: 'tracking_messages',
    everyMs: HOUR_MS,
    deleteBatch: (now, limit) =>
      messages.pruneEnded(new Date(now.getTime() - retentionDays * DAY_MS), limit),
  };
}
