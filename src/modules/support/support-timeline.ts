import type { Db } from '../../platform/db/pool.ts';
import {
  type OrderTimelineSource,
  type TimelineEntry,
  timelineSource,
} from '../../platform/timeline/timeline.ts';
import { workflowTimeline } from '../../platform/workflows/workflow-timeline.ts';
import { type TicketRow, supportRepository } from './support.repository.ts';
import { escalationWorkflowId } from './support.workflows.ts';

function ticketEntries(t: TicketRow): TimelineEntry[] {
  const data = {
    ticket_id: t.id,
    opened_by: t.opened_by,
    opener_role: t.opener_role,
    status: t.status,
    subject: t.subject,
    message: t.message,
    resolution: t.resolution,
  };
  const at = (when: Date, kind: string, summary: string): TimelineEntry => ({
    at: when,
    source: 'support',
    kind,
    summary,
    data,
    refs: [t.id],
  });
  return [
    at(t.created_at, 'ticket.opened', `Ticket opened by the ${t.opener_role}: ${t.subject}`),
    ...(t.escalated_at
      ? [at(t.escalated_at, 'ticket.escalated', `Ticket escalated to ops: ${t.subject}`)]
      : []),
    ...(t.resolved_at
      ? [at(t.resolved_at, 'ticket.resolved', `Ticket resolved: ${t.resolution ?? ''}`.trim())]
      : []),
  ];
}

/**
 * Support's part of an order's timeline: the tickets about the order (opened, escalated,
 * resolved) and each one's escalation timer. Entries name their ticket (refs), whose events and
 * notifications the related sources find.
 */
export function supportTimeline(db: Db): OrderTimelineSource {
  const repo = supportRepository(db);
  return timelineSource('support', async (q) => {
    const tickets = await repo.list({ orderId: q.orderId, limit: q.limit + 1 });
    const timers = await workflowTimeline(tickets.map((t) => escalationWorkflowId(t.id)));
    return [...tickets.flatMap(ticketEntries), ...timers];
  });
}
