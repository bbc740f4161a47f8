import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { TestPlatform } from './platform.ts';
import type { Shop } from './shop.ts';

/**
 * Checkout, the payment retry and what they left in the database, for the payment tests: each
 * helper speaks the public API or reads the tables the way an auditor would.
 */
export function paymentClient(t: TestPlatform, customer: () => string) {
  const key = () => `pay-${uuidv7()}`;
  const db = () => t.platform.ctx.db;
  const count = async (q: ReturnType<typeof sql<{ n: number }>>) =>
    (await q.execute(db())).rows[0]?.n ?? -1;
  return {
    key,
    checkout: (shop: Shop, quantity: number, card: string, opts: { key?: string } = {}) =>
      t.request({
        method: 'POST',
        url: '/v1/orders',
        token: customer(),
        headers: { 'idempotency-key': opts.key ?? key() },
        payload: {
          store_id: shop.storeId,
          lines: [{ product_id: shop.products[0]?.id, quantity }],
          delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Torstr. 1' },
          payment: { card_token: card },
        },
      }),
    pay: (orderId: string, card: string, opts: { key?: string | null; token?: string } = {}) =>
      t.request({
        method: 'POST',
        url: `/v1/orders/${orderId}/payment`,
        token: opts.token ?? customer(),
        headers: opts.key === null ? {} : { 'idempotency-key': opts.key ?? key() },
        payload: { card_token: card },
      }),
    order: async (id: string) =>
      (await t.request({ method: 'GET', url: `/v1/orders/${id}`, token: customer() })).json(),
    reserved: async (shop: Shop) =>
      count(
        sql`SELECT reserved AS n FROM stock WHERE store_id = ${shop.storeId} AND product_id = ${shop.products[0]?.id}`,
      ),
    /** Authorizations our ledger recorded for the order. */
    authorizations: (orderId: string) =>
      count(
        sql`SELECT count(*)::int AS n FROM payment_ledger WHERE order_id = ${orderId} AND kind = 'authorize'`,
      ),
    /** Payments the provider authorized for the order (held or moved on since), whatever the key. */
    providerCharges: (orderId: string) =>
      count(
        sql`SELECT count(*)::int AS n FROM fakepay_payments WHERE reference = ${orderId} AND status <> 'declined'`,
      ),
    /** Whether the order's reservation is still held, and for how many seconds more. */
    hold: async (orderId: string) =>
      (
        await sql<{ status: string; left_s: number }>`SELECT r.status,
          extract(epoch FROM r.expires_at - now())::float8 AS left_s
          FROM reservations r JOIN orders o ON o.reservation_id = r.id WHERE o.id = ${orderId}`.execute(
          db(),
        )
      ).rows[0],
  };
}
