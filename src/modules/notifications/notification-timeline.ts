import type { Db } from '../../platform/db/pool.ts';
import { type OrderTimelineSource, timelineSource } from '../../platform/timeline/timeline.ts';
import { notificationsAbout } from './notification-history.repository.ts';

/**
 * The notifications module's part of an order's timeline: what was told to whom about the order
 * or about what the other sources found (its tickets, its trip), and whether it was read.
 */
export function notificationsTimeline(db: Db): OrderTimelineSource {
  return timelineSource(
    'notifications',
    async (q) =>
      (await notificationsAbout(db, [q.orderId, ...q.related], q.limit + 1)).map((n) => ({
        at: n.created_at,
        source: 'notifications',
        kind: `notification.${n.kind}`,
        summary: `To ${n.recipient_role ? `every ${n.recipient_role}` : `user …${n.recipient_user_id?.slice(-8)}`}: ${n.title}`,
        data: {
          notification_id: n.id,
          recipient_user_id: n.recipient_user_id,
          recipient_role: n.recipient_role,
          kind: n.kind,
          title: n.title,
          body: n.body,
          event_id: n.event_id,
          subject_id: n.subject_id,
          read_at: n.read_at,
        },
      })),
    { related: true },
  );
}
