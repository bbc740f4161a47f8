import { type AuditLog, auditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { systemClock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { idCursor, pageFrom } from '../../platform/http/page-cursor.ts';
import { ordersRepository } from './orders.repository.ts';
import { orderAttentionRepository } from './order-attention.repository.ts';
import { orderActions, visibleOrder } from './order-actions.ts';
import { orderSearch } from './order-search.ts';
import { orderTransitionsRepository } from './order-transitions.repository.ts';
import { orderTransitions } from './order-transitions.ts';
import type { OrderStatus } from './order-state.ts';
import { orderView } from './order-view.ts';

const ORDERS_CURSOR = idCursor('orders');

/**
 * The orders of one platform: reads, the guarded transitions (plain ones coalesced, so one
 * instance per platform: see `ordersFor`), and what customers, stores and ops do to an order.
 */
export function ordersService(db: Db, audit: AuditLog = auditLog(db, systemClock)) {
  const repo = ordersRepository(db);
  const transitions = orderTransitions(db);
  return {
    ...transitions,
    find: (id: string) => repo.find(id),
    /** Ops' search over every order, newest first (order-search.repository.ts). */
    search: orderSearch(db),
    lines: (id: string) => repo.lines(id),
    /** The store and status of each of these orders (ops' lists). */
    states: (ids: readonly string[]) => orderAttentionRepository(db).states(ids),
    /** Orders in `status` for longer than `olderThanS`, oldest first, except these (the deadline sweep). */
    overdue: (status: OrderStatus, olderThanS: number, limit: number, except?: readonly string[]) =>
      repo.overdue(status, olderThanS, limit, except),
    /** Declined orders whose payment retry grace is over (the deadline sweep fails them). */
    paymentOverdue: (limit: number) => repo.paymentOverdue(limit),
    recordCapture: (id: string, amountMinor: number) =>
      orderTransitionsRepository(db).recordCapture(id, amountMinor),

    async get(by: Principal, id: string) {
      const row = await visibleOrder(db, by, id);
      return orderView(row, await repo.lines(id));
    },

    /** A page of the orders `by` may see, newest first (`cursor`: the previous page's last). */
    async list(by: Principal, q: { status?: OrderStatus; cursor?: string; limit: number }) {
      const scope =
        by.role === 'ops'
          ? {}
          : by.role === 'store'
            ? { storeId: by.storeId ?? '00000000-0000-0000-0000-000000000000' }
            : { customerId: by.id };
      const before = q.cursor ? ORDERS_CURSOR.decode(q.cursor) : undefined;
      const rows = await repo.list({ status: q.status, before, limit: q.limit + 1, ...scope });
      return pageFrom(
        rows,
        q.limit,
        (o) => orderView(o),
        (o) => ORDERS_CURSOR.encode(o.id),
      );
    },

    ...orderActions({ db, transitions, audit }),
  };
}

export type OrdersService = ReturnType<typeof ordersService>;
