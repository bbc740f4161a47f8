import type { Db } from '../../platform/db/pool.ts';
import { ordersDb } from './orders-tables.ts';

export function cartsRepository(db: Db) {
  const q = ordersDb(db);
  return {
    async openCartOf(customerId: string) {
      const cart = await q
        .selectFrom('carts')
        .selectAll()
        .where('customer_id', '=', customerId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (!cart) return undefined;
      const lines = await q
        .selectFrom('cart_lines')
        .select(['product_id', 'quantity'])
        .where('cart_id', '=', cart.id)
        .orderBy('product_id')
        .execute();
      return { ...cart, lines };
    },
    /**
     * The customer's open cart at this store, created (opened `now`) if there is none; undefined if
     * open at another store.
     */
    async openAt(customerId: string, storeId: string, newId: string, now: Date) {
      await q
        .insertInto('carts')
        .values({
          id: newId,
          customer_id: customerId,
          store_id: storeId,
          status: 'open',
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('customer_id').where('status', '=', 'open').doNothing())
        .execute();
      const cart = await q
        .selectFrom('carts')
        .selectAll()
        .where('customer_id', '=', customerId)
        .where('status', '=', 'open')
        .forUpdate()
        .executeTakeFirstOrThrow();
      return cart.store_id === storeId ? cart : undefined;
    },
    async setLine(cartId: string, productId: string, quantity: number) {
      if (quantity === 0) {
        await q
          .deleteFrom('cart_lines')
          .where('cart_id', '=', cartId)
          .where('product_id', '=', productId)
          .execute();
      } else {
        await q
          .insertInto('cart_lines')
          .values({ cart_id: cartId, product_id: productId, quantity })
          .onConflict((oc) => oc.columns(['cart_id', 'product_id']).doUpdateSet({ quantity }))
          .execute();
      }
      await q
        .updateTable('carts')
        .set((eb) => ({ version: eb('version', '+', eb.lit(1)), updated_at: eb.fn('now') }))
        .where('id', '=', cartId)
        .execute();
    },
    /** Closes an open cart; false when it was no longer open. */
    async close(cartId: string, status: 'checked_out' | 'abandoned'): Promise<boolean> {
      const r = await q
        .updateTable('carts')
        .set((eb) => ({ status, updated_at: eb.fn('now') }))
        .where('id', '=', cartId)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
