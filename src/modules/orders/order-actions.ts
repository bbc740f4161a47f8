import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { type OrderRow, ordersRepository } from './orders.repository.ts';
import { orderTransitionsRepository } from './order-transitions.repository.ts';
import type { OrderTransitions } from './order-transitions.ts';
import { CUSTOMER_CANCELLABLE, type OrderStatus, sourcesOf } from './order-state.ts';
import { canSee, orderView } from './order-view.ts';

interface ActionDeps {
  db: Db;
  transitions: OrderTransitions;
  audit: AuditLog;
}

/** What the audit log keeps of an order: its state, nothing personal. */
const auditState = (o: OrderRow) => ({ status: o.status, version: o.version, reason: o.reason });

/** The order if `by` may see it. Another caller's order is reported as missing, so ids cannot be probed. */
export async function visibleOrder(db: Db, by: Principal, id: string): Promise<OrderRow> {
  const row = await ordersRepository(db).find(id);
  if (!row || !canSee(by, row)) throw new AppError('NOT_FOUND', `No order ${id}`);
  return row;
}

async function move(
  deps: ActionDeps,
  by: Principal,
  id: string,
  to: OrderStatus,
  opts: {
    reason?: string;
    allowedFrom?: readonly OrderStatus[];
    storeOnly?: boolean;
    /** Ops' move: written to the audit log in the move's transaction, as `action`. */
    audit?: { act: AuditAct | undefined; action: string } | undefined;
  } = {},
) {
  const current = await visibleOrder(deps.db, by, id);
  if (opts.storeOnly && by.role === 'customer')
    throw new AppError('FORBIDDEN', 'Only the store or ops can do this');
  if (opts.allowedFrom && !opts.allowedFrom.includes(current.status)) {
    throw new AppError('CONFLICT', `Order ${id} is ${current.status}; it can no longer be ${to}`);
  }
  // At the version we checked: a transition that raced ours cannot be overridden by it.
  const extra = {
    reason: opts.reason ?? null,
    ...(opts.allowedFrom ? { version: current.version } : {}),
  };
  const act = opts.audit?.act;
  const row = act
    ? await deps.db.transaction().execute(async (trx) => {
        const moved = await deps.transitions.transition(id, to, extra, { trx });
        if (moved)
          await deps.audit.record(trx, act, {
            action: opts.audit?.action ?? `order.${to}`,
            target: { type: 'order', id },
            before: auditState(current),
            after: auditState(moved),
          });
        return moved;
      })
    : await deps.transitions.transition(id, to, extra);
  if (!row) {
    const now = await ordersRepository(deps.db).find(id);
    throw new AppError('CONFLICT', `Order ${id} is ${now?.status}; it cannot become ${to}`);
  }
  return orderView(row);
}

const badPick = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `picked.${path}: ${message}`, {
    details: { errors: [{ path: `body.picked.${path}`, message }] },
  });

/** Each picked line names a product of the order, once, at most at its ordered quantity. */
function checkPicked(
  lines: ReadonlyArray<{ product_id: string; quantity: number }>,
  picked: ReadonlyArray<{ productId: string; quantity: number }>,
): void {
  const unknown = picked.filter((p) => !lines.some((l) => l.product_id === p.productId));
  if (unknown.length > 0)
    throw new AppError(
      'VALIDATION_FAILED',
      `picked: ${unknown.length} product(s) are not in this order`,
    );
  const seen = new Set<string>();
  picked.forEach((p, i) => {
    if (seen.has(p.productId))
      throw badPick(`${i}.product_id`, `product ${p.productId} is already in an earlier line`);
    seen.add(p.productId);
    const ordered = lines.find((l) => l.product_id === p.productId)?.quantity ?? 0;
    if (p.quantity > ordered)
      throw badPick(
        `${i}.quantity`,
        `${p.quantity} picked of product ${p.productId}, but ${ordered} ordered`,
      );
  });
}

/** Picked quantities (missing items, shortages) are recorded with "ready"; the capture uses them. */
async function ready(
  deps: ActionDeps,
  by: Principal,
  id: string,
  picked: ReadonlyArray<{ productId: string; quantity: number }>,
  act: AuditAct | undefined,
) {
  const current = await visibleOrder(deps.db, by, id);
  if (by.role === 'customer') throw new AppError('FORBIDDEN', 'Only the store or ops can do this');
  if (!sourcesOf('ready').includes(current.status))
    throw new AppError('CONFLICT', `Order ${id} is ${current.status}; it cannot become ready`);
  checkPicked(await ordersRepository(deps.db).lines(id), picked);
  // The guarded transition goes first (it locks the order); the picked quantities are written
  // only by the request that made it, and a loser rolls back.
  const row = await deps.db.transaction().execute(async (trx) => {
    const moved = await deps.transitions.transition(id, 'ready', {}, { trx });
    if (!moved) throw new AppError('CONFLICT', `Order ${id} moved meanwhile`);
    await orderTransitionsRepository(trx).setPicked(id, picked);
    if (act)
      await deps.audit.record(trx, act, {
        action: 'order.ready',
        target: { type: 'order', id },
        before: auditState(current),
        after: { ...auditState(moved), picked },
      });
    return moved;
  });
  return orderView(row);
}

/** Ops' act for the audit log as `action`; none for anyone else (their moves are not audited). */
const opsAudit = (by: Principal, action: string, act: AuditAct | undefined) => ({
  act: by.role === 'ops' ? act : undefined,
  action,
});

/**
 * What customers, the store and ops do to an order: each checks who asks and where the order is,
 * then makes a guarded transition (a CONFLICT when someone else moved it first). `act`: the
 * request's, for the audit log when ops make the move.
 */
export function orderActions(deps: ActionDeps) {
  const storeMove =
    (to: OrderStatus, action: string) => (by: Principal, id: string, act?: AuditAct) =>
      move(deps, by, id, to, { storeOnly: true, audit: opsAudit(by, action, act) });
  return {
    cancel: (by: Principal, id: string, reason: string, act?: AuditAct) =>
      move(deps, by, id, 'canceled', {
        reason: `${by.role}: ${reason}`,
        allowedFrom: by.role === 'ops' ? undefined : CUSTOMER_CANCELLABLE,
        audit: opsAudit(by, 'order.cancel', act),
      }),
    accept: storeMove('accepted', 'order.accept'),
    reject: (by: Principal, id: string, reason: string, act?: AuditAct) =>
      move(deps, by, id, 'canceled', {
        reason: `store rejected: ${reason}`,
        storeOnly: true,
        allowedFrom: ['authorized'],
        audit: opsAudit(by, 'order.reject', act),
      }),
    preparing: storeMove('preparing', 'order.preparing'),
    ready: (
      by: Principal,
      id: string,
      picked: ReadonlyArray<{ productId: string; quantity: number }>,
      act?: AuditAct,
    ) => ready(deps, by, id, picked, by.role === 'ops' ? act : undefined),
    pickedUp: storeMove('picked_up', 'order.picked_up'),
    delivered: storeMove('delivered', 'order.delivered'),
  };
}
