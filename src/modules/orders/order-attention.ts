import type { AttentionItem, AttentionSource } from '../../platform/attention/attention.ts';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { AttentionSettings } from '../../platform/config-settings-attention.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { type LateOrderRow, orderAttentionRepository } from './order-attention.repository.ts';
import { OPEN_STATUSES, type OpenStatus, type OrderStatus } from './order-state.ts';
import type { OrderRow } from './orders.repository.ts';

export interface OrderAttentionDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  settings: AttentionSettings;
  /** The deadline sweep's limits per status, seconds (`orderDeadlines`). */
  deadlines: Partial<Record<OrderStatus, number>>;
}

/** When the deadline sweep ends the order in its current phase (ops' extension counted). */
export function phaseDeadline(
  o: Pick<OrderRow, 'status' | 'status_at' | 'deadline_at' | 'deadline_status'>,
  deadlines: Partial<Record<OrderStatus, number>>,
): Date | null {
  if (o.deadline_status === o.status && o.deadline_at) return o.deadline_at;
  const limitS = deadlines[o.status];
  return limitS === undefined ? null : new Date(o.status_at.getTime() + limitS * 1000);
}

/** Why the order is on the list, from the line it crossed first. */
function lateReason(o: LateOrderRow): { reason: string; summary: string } {
  const at = o.since.getTime();
  if (o.deadline_status === o.status && o.deadline_at?.getTime() === at)
    return {
      reason: 'extension_passed',
      summary: `The deadline ops extended has passed (${o.status})`,
    };
  if (o.promise_to?.getTime() === at)
    return { reason: 'promise_window', summary: `Past its promised window, still ${o.status}` };
  if (o.status === 'authorized')
    return { reason: 'not_accepted', summary: 'Paid, and the store has not accepted it' };
  return { reason: 'not_picked_up', summary: 'Ready, and no courier has picked it up' };
}

/** `order_late`: open orders past their promise window or waiting too long in their phase. */
function lateOrders(deps: OrderAttentionDeps): AttentionSource {
  const repo = orderAttentionRepository(deps.db);
  return {
    kind: 'order_late',
    async items(q) {
      const rows = await repo.late({
        now: q.now,
        acceptS: deps.settings.lateAcceptS,
        readyS: deps.settings.lateReadyS,
        storeId: q.storeId,
        limit: q.limit + 1,
      });
      return rows.map((o): AttentionItem => {
        const { reason, summary } = lateReason(o);
        return {
          kind: 'order_late',
          key: o.id,
          order_id: o.id,
          store_id: o.store_id,
          since: o.since,
          summary,
          detail: {
            reason,
            status: o.status,
            status_at: o.status_at.toISOString(),
            promise_to: o.promise_to?.toISOString() ?? null,
            deadline_at: phaseDeadline(o, deps.deadlines)?.toISOString() ?? null,
          },
        };
      });
    },
  };
}

/** An open order on the ops console's live map. */
export interface OpenOrder {
  id: string;
  store_id: string;
  status: OpenStatus;
  lat: number;
  lng: number;
  /** When the deadline sweep ends it in its current phase (ops' extension counted). */
  deadline_at: Date | null;
  /** Late by the attention list's rule (`order_late`). */
  late: boolean;
}

/** Every order paid and not yet delivered (at most `limit`, in id order), late or not. */
export async function openOrders(
  deps: OrderAttentionDeps,
  now: Date,
  limit: number,
): Promise<OpenOrder[]> {
  const rows = await orderAttentionRepository(deps.db).open({
    now,
    acceptS: deps.settings.lateAcceptS,
    readyS: deps.settings.lateReadyS,
    limit,
  });
  return rows.map((o) => ({
    id: o.id,
    store_id: o.store_id,
    status: o.status,
    lat: o.delivery_lat,
    lng: o.delivery_lng,
    deadline_at: phaseDeadline(o, deps.deadlines),
    late: o.late_since !== null,
  }));
}

/** Whether ops may extend the deadline of an order in this status: while it is open. */
export const canExtendDeadline = (s: OrderStatus): boolean =>
  OPEN_STATUSES.some((open) => open === s);

const deadlineState = (o: OrderRow, deadlines: Partial<Record<OrderStatus, number>>) => ({
  status: o.status,
  version: o.version,
  deadline_at: phaseDeadline(o, deadlines)?.toISOString() ?? null,
});

/**
 * Ops give the order's current phase `minutes` more (from its deadline, or from now when that has
 * passed): the deadline sweep leaves it alone until then and the attention list drops it. Once
 * per Idempotency-Key: a repeat whose stored answer was lost finds the extension made.
 */
export async function extendDeadline(
  deps: OrderAttentionDeps,
  act: AuditAct,
  id: string,
  minutes: number,
) {
  if (minutes > deps.settings.deadlineExtendMaxMin)
    throw new AppError(
      'VALIDATION_FAILED',
      `minutes: at most ${deps.settings.deadlineExtendMaxMin} per extension`,
      { details: { errors: [{ path: 'body.minutes', message: 'too many minutes' }] } },
    );
  return deps.db.transaction().execute(async (trx) => {
    const repo = orderAttentionRepository(trx);
    const o = await repo.forUpdate(id);
    if (!o) throw new AppError('NOT_FOUND', `No order ${id}`);
    if (
      act.idempotencyKey &&
      o.deadline_key === act.idempotencyKey &&
      o.deadline_status === o.status
    )
      return deadlineState(o, deps.deadlines);
    if (!canExtendDeadline(o.status))
      throw new AppError('CONFLICT', `Order ${id} is ${o.status}; it has no deadline to extend`);
    const from = Math.max(phaseDeadline(o, deps.deadlines)?.getTime() ?? 0, deps.clock.now());
    const at = new Date(from + minutes * 60_000);
    const moved = await repo.setDeadline(id, { at, status: o.status, key: act.idempotencyKey });
    if (!moved) throw new AppError('CONFLICT', `Order ${id} moved meanwhile; retry`);
    const after = deadlineState(moved, deps.deadlines);
    await deps.audit.record(trx, act, {
      action: 'order.extend_deadline',
      target: { type: 'order', id },
      before: deadlineState(o, deps.deadlines),
      after: { ...after, minutes },
    });
    return after;
  });
}

/** The orders module's contributions to the ops console's attention list. */
export const ordersAttention = (deps: OrderAttentionDeps): AttentionSource[] => [lateOrders(deps)];
