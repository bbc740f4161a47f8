import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { cappedDepth } from '../../platform/health/queue-depths.repository.ts';
import type { QueueProbe } from '../../platform/health/queues.ts';
import type { Clock } from '../../platform/context.ts';
import type { WebhookDeliveriesTable } from './webhooks.repository.ts';

/**
 * Deliveries due now (pending, their next attempt not in the future), for ops' health screen:
 * counted along `webhook_deliveries_due` up to `cap`, the longest-waiting one's due time.
 */
export function webhookQueue(db: Db, clock: Clock, cap: number): QueueProbe {
  const q = db as unknown as Kysely<{ webhook_deliveries: WebhookDeliveriesTable }>;
  return {
    name: 'webhook_deliveries_due',
    owner: 'webhooks',
    description: 'Partner webhook deliveries due now (first tries and retries)',
    depth() {
      const due = q
        .selectFrom('webhook_deliveries')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', new Date(clock.now()));
      return cappedDepth(
        db,
        due.select('id'),
        due.select('next_attempt_at as at').orderBy('next_attempt_at'),
        cap,
      );
    },
  };
}
