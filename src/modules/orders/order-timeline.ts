import type { Db } from '../../platform/db/pool.ts';
import {
  money,
  type OrderTimelineSource,
  type TimelineEntry,
  timelineSource,
} from '../../platform/timeline/timeline.ts';
import { workflowTimeline } from '../../platform/workflows/workflow-timeline.ts';
import { authorizeWorkflowId, compensateWorkflowId, settleWorkflowId } from './order-saga.ts';
import { ordersRepository, type OrderRow } from './orders.repository.ts';
import { type SubstitutionRow, substitutionsRepository } from './substitutions.repository.ts';

/** Every workflow the saga may have run for the order: each payment attempt's, the settle, the compensation. */
export const orderWorkflowIds = (o: Pick<OrderRow, 'id' | 'payment_attempt'>): string[] => [
  ...Array.from({ length: Math.max(1, o.payment_attempt) }, (_, i) =>
    authorizeWorkflowId(o.id, i + 1),
  ),
  settleWorkflowId(o.id),
  compensateWorkflowId(o.id),
];

const window = (o: OrderRow) =>
  o.promise_from && o.promise_to
    ? `; promised ${o.promise_from.toISOString()}–${o.promise_to.toISOString()}`
    : '';

function orderEntries(o: OrderRow, lines: number): TimelineEntry[] {
  const placed: TimelineEntry = {
    at: o.placed_at,
    source: 'orders',
    kind: 'order.placed',
    summary: `Placed: ${lines} line(s), ${money(o.total_minor, o.currency)}${window(o)}`,
    data: {
      customer_id: o.customer_id,
      store_id: o.store_id,
      total_minor: o.total_minor,
      currency: o.currency,
      delivery_address: o.delivery_address,
      promise_from: o.promise_from,
      promise_to: o.promise_to,
    },
  };
  if (o.status === 'placed') return [placed];
  return [
    placed,
    {
      at: o.status_at,
      source: 'orders',
      kind: 'order.status',
      summary: `Now ${o.status}${o.reason ? `: ${o.reason}` : ''}`,
      data: {
        status: o.status,
        version: o.version,
        reason: o.reason,
        captured_minor: o.captured_minor,
        payment_attempt: o.payment_attempt,
        payment_due_at: o.payment_due_at,
      },
    },
  ];
}

function substitutionEntries(s: SubstitutionRow): TimelineEntry[] {
  const data = {
    substitution_id: s.id,
    product_id: s.product_id,
    missing: s.missing,
    substitute_product_id: s.substitute_product_id,
    sku: s.sku,
    name: s.name,
    quantity: s.quantity,
    unit_price_minor: s.unit_price_minor,
    status: s.status,
    answer_by: s.answer_by,
  };
  const proposed: TimelineEntry = {
    at: s.proposed_at,
    source: 'orders',
    kind: 'substitution.proposed',
    summary: `Store proposed ${s.quantity} × ${s.name} for ${s.missing} missing unit(s)`,
    data,
  };
  if (s.status === 'proposed' || !s.answered_at) return [proposed];
  return [
    proposed,
    {
      at: s.answered_at,
      source: 'orders',
      kind: `substitution.${s.status}`,
      summary: `Substitute ${s.name} ${s.status}`,
      data,
    },
  ];
}

/**
 * The orders module's part of an order's timeline: its placement and where it stands now, the
 * substitutes proposed and their answers, and the saga's workflows with their steps.
 */
export function ordersTimeline(db: Db): OrderTimelineSource {
  const orders = ordersRepository(db);
  const substitutions = substitutionsRepository(db);
  return timelineSource('orders', async (q) => {
    const o = await orders.find(q.orderId);
    if (!o) return [];
    const [lines, subs, workflows] = await Promise.all([
      orders.lines(o.id),
      substitutions.list(o.id),
      workflowTimeline(orderWorkflowIds(o)),
    ]);
    return [...orderEntries(o, lines.length), ...subs.flatMap(substitutionEntries), ...workflows];
  });
}
