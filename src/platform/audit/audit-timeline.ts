import type { Db } from '../db/pool.ts';
import { type OrderTimelineSource, timelineSource } from '../timeline/timeline.ts';
import { auditOfTargets } from './audit.repository.ts';

/**
 * Ops' actions in an order's timeline (source `audit`): every audit entry about the order, its
 * trip or delivery (the other sources' refs) and its saga's workflows: cancels, refunds, deadline
 * extensions, reassignments, overrides, hand-overs marked delivered, workflow retries; who did it,
 * why, before and after.
 */
export function auditTimeline(db: Db): OrderTimelineSource {
  return timelineSource(
    'audit',
    async (q) => {
      const rows = await auditOfTargets(
        db,
        [q.orderId, ...q.related],
        `order:${q.orderId}:`,
        q.limit + 1,
      );
      return rows.map((r) => ({
        at: r.at,
        source: 'audit',
        kind: r.action,
        summary: `${r.action} by ${r.actor_email ?? r.actor_role}: ${r.reason}`,
        data: {
          audit_id: r.id,
          actor: { id: r.actor_id, role: r.actor_role, level: r.actor_level },
          target: { type: r.target_type, id: r.target_id },
          reason: r.reason,
          before: r.before ?? null,
          after: r.after ?? null,
        },
      }));
    },
    { related: true },
  );
}
