import { type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { WebhookDeliveriesTable, WebhookSubscriptionsTable } from './webhooks.repository.ts';

interface Tables {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

/**
 * The deliveries of one order's events, oldest first, with their partner's name (never the
 * subscription's secret, nor the body). Raw: the expression of the index webhook_deliveries_order
 * (migrations/0003), the order named in the body.
 */
export function deliveriesOfOrder(db: Db, orderId: string, limit: number) {
  const q = db as unknown as Kysely<Tables>;
  return q
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .select([
      'd.id',
      'd.subscription_id',
      's.partner_name',
      'd.event_id',
      'd.event_type',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.last_status',
      'd.last_error',
      'd.created_at',
      'd.delivered_at',
    ])
    .where(sql<string>`(d.body::jsonb -> 'data' ->> 'order_id')`, '=', orderId)
    .orderBy('d.created_at')
    .orderBy('d.id')
    .limit(limit)
    .execute();
}
