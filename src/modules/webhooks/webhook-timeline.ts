import type { Db } from '../../platform/db/pool.ts';
import { type OrderTimelineSource, timelineSource } from '../../platform/timeline/timeline.ts';
import { deliveriesOfOrder } from './webhook-history.repository.ts';

type Row = Awaited<ReturnType<typeof deliveriesOfOrder>>[number];

function outcome(d: Row): string {
  const last = d.last_status !== null ? `HTTP ${d.last_status}` : (d.last_error ?? 'no answer');
  if (d.status === 'delivered') return `delivered after ${d.attempts} attempt(s)`;
  if (d.status === 'dead') return `dead after ${d.attempts} attempt(s) (${last})`;
  return d.attempts === 0
    ? 'waiting to be sent'
    : `retrying after ${d.attempts} attempt(s) (${last})`;
}

/**
 * The webhooks module's part of an order's timeline: each delivery of the order's events to a
 * partner, when it was queued and how it went (delivered, retrying, dead).
 */
export function webhooksTimeline(db: Db): OrderTimelineSource {
  return timelineSource('webhooks', async (q) =>
    (await deliveriesOfOrder(db, q.orderId, q.limit + 1)).map((d) => ({
      at: d.created_at,
      source: 'webhooks',
      kind: 'webhook.delivery',
      summary: `${d.event_type} to ${d.partner_name}: ${outcome(d)}`,
      data: {
        delivery_id: d.id,
        subscription_id: d.subscription_id,
        partner_name: d.partner_name,
        event_id: d.event_id,
        event_type: d.event_type,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.status === 'pending' ? d.next_attempt_at : null,
        last_status: d.last_status,
        last_error: d.last_error,
        delivered_at: d.delivered_at,
      },
    })),
  );
}
