import type { Db } from '../../platform/db/pool.ts';
import { DAY_MS, HOUR_MS, type PruneJob } from '../../platform/db/prune.ts';
import { deliveriesRepository } from './webhooks.repository.ts';

/** Settled deliveries (delivered, dead) go `retentionDays` after they were created. */
export function webhookDeliveriesPrune(db: Db, retentionDays: number): PruneJob {
  const deliveries = deliveriesRepository(db);
  return {
    table: 'webhook_deliveries',
    everyMs: HOUR_MS,
    deleteBatch: (now, limit) =>
      deliveries.pruneSettled(new Date(now.getTime() - retentionDays * DAY_MS), limit),
  };
}
