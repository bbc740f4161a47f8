import type { Db } from '../../platform/db/pool.ts';
import type { OrderStatus } from './order-state.ts';
import { ordersDb } from './orders-tables.ts';

/** What ops search orders by; every key given must hold. */
export interface OrderSearch {
  /** Ids in [from, to]: one id, or the range a prefix of one spans. */
  ids?: { from: string; to: string };
  /** Only these orders (those a driver carried). */
  among?: readonly string[];
  customerId?: string;
  storeId?: string;
  status?: OrderStatus;
  /** Placed in [from, to); `idRange` is the span of ids those times allow (UUIDv7: time first). */
  placed?: { from?: Date; to?: Date; idRange: { from: string; to: string } };
  /** Ids below this one (the previous page's last). */
  before?: string;
  limit: number;
}

/**
 * Ops' search over every order, newest first (by id: UUIDv7, so by placement). Each key walks an
 * index in id order: a prefix or a time range the primary key, a customer `orders_customer`, a
 * store `orders_store`, a status `orders_status` (migrations/0006), a driver's orders their ids
 * from dispatch; the other keys filter the rows it walks.
 */
export function orderSearchRepository(db: Db) {
  const q = ordersDb(db);
  return {
    search(s: OrderSearch) {
      let query = q
        .selectFrom('orders')
        .select([
          'id',
          'status',
          'store_id',
          'customer_id',
          'total_minor',
          'currency',
          'placed_at',
          'status_at',
          'promise_from',
          'promise_to',
        ])
        .orderBy('id', 'desc')
        .limit(s.limit);
      if (s.ids) query = query.where('id', '>=', s.ids.from).where('id', '<=', s.ids.to);
      if (s.among) query = query.where('id', '=', (eb) => eb.fn.any(eb.val([...(s.among ?? [])])));
      if (s.customerId) query = query.where('customer_id', '=', s.customerId);
      if (s.storeId) query = query.where('store_id', '=', s.storeId);
      if (s.status) query = query.where('status', '=', s.status);
      if (s.placed) {
        const { from, to, idRange } = s.placed;
        query = query.where('id', '>=', idRange.from).where('id', '<=', idRange.to);
        if (from) query = query.where('placed_at', '>=', from);
        if (to) query = query.where('placed_at', '<', to);
      }
      if (s.before) query = query.where('id', '<', s.before);
      return query.execute();
    },
  };
}

export type OrderSearchRow = Awaited<
  ReturnType<ReturnType<typeof orderSearchRepository>['search']>
>[number];
