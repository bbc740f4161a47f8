import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { depthOf, type QueueProbe } from '../../platform/health/queues.ts';
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
    async depth() {
      const due = q
        .selectFrom('webhook_deliveries')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', new Date(clock.now()));
      const [counted, oldest] = await Promise.all([
        q
          .selectFrom(
            due
              .select('id')
              .limit(cap + 1)
              .as('d'),
          )
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
        due.select('next_attempt_at').orderBy('next_attempt_at').limit(1).executeTakeFirst(),
      ]);
      return depthOf(Number(counted.n), cap, oldest?.next_attempt_at ?? null);
    },
  };
}
