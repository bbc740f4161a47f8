import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { PersonalData } from '../../platform/people/personal-data.ts';
import { TERMINAL } from './order-state.ts';
import { orderView } from './order-view.ts';
import { ordersDb } from './orders-tables.ts';

const ENDED = [...TERMINAL];
/** What an erased order's delivery address becomes; its point moves to 0, 0 (nobody's door). */
export const ERASED_ADDRESS = '';

/** The orders module's part of exports and erasures: the customer's orders (kept) and carts. */
export const ordersPersonalData: PersonalData = {
  async export(person, db) {
    const q = ordersDb(db);
    const orders = await q
      .selectFrom('orders')
      .selectAll()
      .where('customer_id', '=', person.userId)
      .orderBy('id')
      .execute();
    const lines =
      orders.length === 0
        ? []
        : await q
            .selectFrom('order_lines')
            .selectAll()
            .where(
              'order_id',
              'in',
              orders.map((o) => o.id),
            )
            .execute();
    const carts = await q
      .selectFrom('carts')
      .leftJoin('cart_lines', 'cart_lines.cart_id', 'carts.id')
      .select(['carts.id', 'carts.store_id', 'carts.status', 'carts.updated_at'])
      .select(['cart_lines.product_id', 'cart_lines.quantity'])
      .where('carts.customer_id', '=', person.userId)
      .execute();
    return {
      orders: orders.map((o) =>
        orderView(
          o,
          lines.filter((l) => l.order_id === o.id),
        ),
      ),
      cart_lines: carts,
    };
  },

  async refuseIfBusy(person, db) {
    const open = await ordersDb(db)
      .selectFrom('orders')
      .select(['id', 'status'])
      .where('customer_id', '=', person.userId)
      .where('status', 'not in', ENDED)
      .limit(10)
      .execute();
    if (open.length > 0)
      throw new AppError(
        'ORDER_IN_FLIGHT',
        'This account has an order that has not ended; it can be erased once the order is delivered, canceled or failed',
        { details: { orders: open.map((o) => ({ id: o.id, status: o.status })) } },
      );
  },

  /**
   * Ended orders stay (the accounts need them), without where they went; carts go. Only ended
   * ones: an order placed by a checkout racing the erasure keeps the address it is on its way to.
   */
  async erase(person, trx) {
    const q = ordersDb(trx);
    await q
      .updateTable('orders')
      .set({ delivery_address: ERASED_ADDRESS, delivery_lat: 0, delivery_lng: 0 })
      .where('customer_id', '=', person.userId)
      .where('status', 'in', ENDED)
      .execute();
    const carts = q.selectFrom('carts').select('id').where('customer_id', '=', person.userId);
    await q.deleteFrom('cart_lines').where('cart_id', 'in', carts).execute();
    await q.deleteFrom('carts').where('customer_id', '=', person.userId).execute();
  },
};

/** The ids of a customer's orders (payments are kept by order). */
export async function customerOrderIds(db: Db, customerId: string): Promise<string[]> {
  const rows = await ordersDb(db)
    .selectFrom('orders')
    .select('id')
    .where('customer_id', '=', customerId)
    .execute();
  return rows.map((r) => r.id);
}
