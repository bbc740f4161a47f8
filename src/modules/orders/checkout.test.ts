import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';
import { DEMO_USERS } from '../../cli/demo-seed.ts';
import { catalogFor } from '../catalog/index.ts';
import { etaFor } from '../eta/index.ts';
import { inventoryFor } from '../inventory/index.ts';
import { placeOrder } from './checkout.flow.ts';
import { placementService } from './placement.service.ts';
import { DEFAULT_FEES } from './pricing.ts';

let t: TestPlatform;
let customer: string;

beforeAll(async () => {
  t = await startTestPlatform({ env: { LASTMILE_ACCEPT_TIMEOUT_S: '5' } });
  customer = await t.tokenFor('customer');
});
afterAll(async () => {
  await t?.stop();
});

let keyN = 0;
const checkout = (
  shop: Shop,
  lines: Array<{ product_id?: string; sku?: string; quantity: number }>,
  opts: { token?: string; card?: string; key?: string; extra?: object } = {},
) =>
  t.request({
    method: 'POST',
    url: '/v1/orders',
    token: opts.token ?? customer,
    headers: { 'idempotency-key': opts.key ?? `k-${keyN++}-${Date.now()}` },
    payload: {
      store_id: shop.storeId,
      lines,
      delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Torstr. 1' },
      payment: { card_token: opts.card ?? 'tok_visa' },
      ...opts.extra,
    },
  });

const stock = async (shop: Shop, i: number) =>
  (
    await sql<{
      on_hand: number;
      reserved: number;
    }>`SELECT on_hand, reserved FROM stock WHERE store_id = ${shop.storeId} AND product_id = ${shop.products[i]?.id}`.execute(
      t.platform.ctx.db,
    )
  ).rows[0];
interface OrderView {
  id: string;
  status: string;
  reason: string | null;
  can_cancel: boolean;
  totals: { total_minor: number; captured_minor: number | null };
}
const order = async (id: string, token = customer): Promise<OrderView> =>
  (await t.request({ method: 'GET', url: `/v1/orders/${id}`, token })).json();
const storeDoes = (shop: Shop, id: string, action: string, payload?: object) =>
  t.request({
    method: 'POST',
    url: `/v1/orders/${id}/${action}`,
    token: shop.storeToken,
    ...(payload ? { payload } : {}),
  });
/** The status code of a call as the holder of `token`. */
const statusOf = async (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
  (await t.request({ method, url, token, ...(payload ? { payload } : {}) })).statusCode;
/** The order (as its customer sees it) once `ready` holds for it. */
const orderOnce = (id: string, ready: (o: OrderView) => boolean, label: string, ms = 20_000) =>
  waitFor(
    async () => {
      const o = await order(id);
      return ready(o) ? o : null;
    },
    ms,
    label,
  );
const payment = async (id: string) =>
  (await t.request({ method: 'GET', url: `/v1/orders/${id}/payment`, token: customer })).json();
/** The one number a counting statement answers. */
const count = async (q: RawBuilder<{ n: number }>) =>
  (await q.execute(t.platform.ctx.db)).rows[0]?.n;
/** Hours until the order's stock hold expires. */
const holdHours = async (orderId: string) =>
  Number(
    await count(sql<{ n: number }>`SELECT extract(epoch FROM r.expires_at - now()) / 3600 AS n
      FROM reservations r JOIN orders o ON o.reservation_id = r.id WHERE o.id = ${orderId}`),
  );
const ordersOf = (shop: Shop) =>
  count(sql`SELECT count(*)::int AS n FROM orders WHERE store_id = ${shop.storeId}`);
const authorizations = (orderId: string) =>
  count(
    sql`SELECT count(*)::int AS n FROM payment_ledger WHERE order_id = ${orderId} AND kind = 'authorize'`,
  );

describe('checkout and the order saga', () => {
  it('authorizes, follows the store, and captures only what was delivered', async () => {
    const shop = await openShop(t, { stock: [10, 10], prices: [500, 300] });
    const [a, b] = shop.products as [Shop['products'][0], Shop['products'][0]];
    const res = await checkout(shop, [
      { product_id: a.id, quantity: 2 },
      { sku: b.sku, quantity: 1 },
    ]);
    expect(res.statusCode).toBe(201);
    const placed = res.json();
    expect(placed.payment.status).toBe('authorized');
    expect(placed.status).toBe('authorized');
    expect(placed.can_cancel).toBe(true);
    // A paid order's stock outlives the placement expiry: its saga, not the sweeper, ends it.
    expect(await holdHours(placed.id)).toBeGreaterThan(12);
    expect(placed.totals.subtotal_minor).toBe(1300);
    expect(await stock(shop, 0)).toEqual({ on_hand: 10, reserved: 2 });

    expect((await storeDoes(shop, placed.id, 'accept')).statusCode).toBe(200);
    expect((await storeDoes(shop, placed.id, 'preparing')).statusCode).toBe(200);
    // One of the two units of A was missing on the shelf.
    expect(
      (await storeDoes(shop, placed.id, 'ready', { picked: [{ product_id: a.id, quantity: 1 }] }))
        .statusCode,
    ).toBe(200);
    // The store cannot claim the courier's steps; ops can override them.
    expect((await storeDoes(shop, placed.id, 'picked-up')).statusCode).toBe(403);
    const ops = await t.tokenFor('ops');
    expect((await order(placed.id)).can_cancel).toBe(true);
    for (const step of ['picked-up', 'delivered']) {
      expect(
        await statusOf('POST', `/v1/orders/${placed.id}/${step}`, ops, {
          reason: 'courier app down',
        }),
      ).toBe(200);
      // The courier has the bag: too late to cancel.
      expect((await order(placed.id)).can_cancel).toBe(false);
    }

    const settled = await orderOnce(placed.id, (o) => o.totals.captured_minor !== null, 'capture');
    expect(settled.totals.captured_minor).toBeLessThan(placed.totals.total_minor);
    expect(await stock(shop, 0)).toEqual({ on_hand: 9, reserved: 0 });
    expect(await stock(shop, 1)).toEqual({ on_hand: 9, reserved: 0 });
    expect((await payment(placed.id)).captured_minor).toBe(settled.totals.captured_minor);
  });

  it('answers a declined card 402 and keeps the order and its stock for another card', async () => {
    const shop = await openShop(t, { stock: [3] });
    const res = await checkout(shop, [{ product_id: shop.products[0]?.id, quantity: 3 }], {
      card: 'tok_decline',
    });
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({ code: 'PAYMENT_DECLINED', decline_reason: 'card_declined' });
    expect((await order(res.json().order_id)).status).toBe('payment_failed');
    expect(await stock(shop, 0)).toEqual({ on_hand: 3, reserved: 3 });
  });

  it('lets the customer cancel before pickup: stock released, authorization voided', async () => {
    const shop = await openShop(t, { stock: [5] });
    const placed = (
      await checkout(shop, [{ product_id: shop.products[0]?.id, quantity: 2 }])
    ).json();
    await storeDoes(shop, placed.id, 'accept');
    const cancel = await t.request({
      method: 'POST',
      url: `/v1/orders/${placed.id}/cancel`,
      token: customer,
      payload: { reason: 'changed my mind' },
    });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'canceled', can_cancel: false });
    await waitFor(async () => (await stock(shop, 0))?.reserved === 0, 10_000, 'stock released');
    await waitFor(
      async () => (await payment(placed.id)).status === 'voided',
      10_000,
      'payment voided',
    );
    const late = await storeDoes(shop, placed.id, 'ready', {});
    expect(late.statusCode).toBe(409);
  });

  it('cancels an order the store never accepts (deadline) and compensates', async () => {
    const shop = await openShop(t, { stock: [1] });
    const placed = (
      await checkout(shop, [{ product_id: shop.products[0]?.id, quantity: 1 }])
    ).json();
    const canceled = await orderOnce(
      placed.id,
      (o) => o.status === 'canceled',
      'timeout cancel',
      30_000,
    );
    expect(canceled.reason).toContain('timeout');
    await waitFor(async () => (await stock(shop, 0))?.reserved === 0, 10_000, 'stock released');
  }, 45_000);

  it('authorizes, once, an order its checkout request left placed (crash, provider down), after the grace period', async () => {
    const shop = await openShop(t, { stock: [4] });
    const { ctx } = t.platform;
    const email = (DEMO_USERS.find((u) => u.role === 'customer') as { email: string }).email;
    const customerId = (
      await sql<{ id: string }>`SELECT id FROM users WHERE email = ${email}`.execute(ctx.db)
    ).rows[0]?.id as string;
    const deps = {
      db: ctx.db,
      catalog: catalogFor(ctx),
      fees: DEFAULT_FEES,
      promise: etaFor(ctx).promise,
      placement: placementService({
        db: ctx.db,
        inventory: inventoryFor(ctx),
        reservationTtlMs: 600_000,
      }),
    };
    // The request placed the order and died before it authorized the card.
    const { row } = await placeOrder(
      deps,
      { kind: 'user', id: customerId, role: 'customer' },
      {
        store_id: shop.storeId,
        lines: [{ product_id: shop.products[0]?.id as string, quantity: 2 }],
        delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Torstr. 1' },
        payment: { card_token: 'tok_visa' },
      },
      `left-placed-${Date.now()}`,
    );
    expect(row.status).toBe('placed');
    const paid = await orderOnce(
      row.id,
      (o) => o.status === 'authorized',
      'authorized by the saga',
      30_000,
    );
    expect(paid.totals.total_minor).toBe(row.total_minor);
    expect(await authorizations(row.id)).toBe(1);
    expect(await holdHours(row.id)).toBeGreaterThan(12);
    expect(await stock(shop, 0)).toEqual({ on_hand: 4, reserved: 2 });
  }, 45_000);

  it('500 concurrent checkouts for 100 units make exactly 100 orders and 400 out-of-stock answers', async () => {
    const shop = await openShop(t, { stock: [100] });
    const productId = shop.products[0]?.id as string;
    const results = await Promise.all(
      Array.from({ length: 500 }, () => checkout(shop, [{ product_id: productId, quantity: 1 }])),
    );
    // 202: placed, its payment still with the provider when the request stopped waiting.
    const created = results.filter((r) => r.statusCode === 201 || r.statusCode === 202);
    const refused = results.filter((r) => r.statusCode === 409 && r.json().code === 'OUT_OF_STOCK');
    expect(created).toHaveLength(100);
    expect(refused).toHaveLength(400);
    expect(await ordersOf(shop)).toBe(100);
    expect(await stock(shop, 0)).toEqual({ on_hand: 100, reserved: 100 });
  }, 120_000);

  it('the same checkout retried 50 times at once makes one order and one authorization', async () => {
    const shop = await openShop(t, { stock: [10] });
    const lines = [{ product_id: shop.products[0]?.id, quantity: 1 }];
    const results = await Promise.all(
      Array.from({ length: 50 }, () => checkout(shop, lines, { key: 'same-checkout' })),
    );
    expect(results.every((r) => [200, 201, 202, 409].includes(r.statusCode))).toBe(true);
    const ids = new Set(results.filter((r) => r.statusCode < 300).map((r) => r.json().id));
    expect(ids.size).toBe(1);
    expect(await ordersOf(shop)).toBe(1);
    expect(await authorizations([...ids][0] as string)).toBe(1);
    expect(await stock(shop, 0)).toEqual({ on_hand: 10, reserved: 1 });
  });

  it('rejects bad orders with problem+json and reserves nothing', async () => {
    const shop = await openShop(t, { stock: [5, 5] });
    const other = await openShop(t, { stock: [5], lat: 52.51 });
    const usd = await openShop(t, { stock: [5], currency: 'USD', lat: 52.505 });
    const p = shop.products[0]?.id as string;
    const cases: Array<
      [string, Promise<{ statusCode: number; json(): { code: string } }>, number]
    > = [
      ['empty', checkout(shop, []), 400],
      ['unknown sku', checkout(shop, [{ sku: 'NOPE-1', quantity: 1 }]), 400],
      ['zero', checkout(shop, [{ product_id: p, quantity: 0 }]), 400],
      ['negative', checkout(shop, [{ product_id: p, quantity: -2 }]), 400],
      ['huge', checkout(shop, [{ product_id: p, quantity: 1_000_000 }]), 400],
      ['too many for stock', checkout(shop, [{ product_id: p, quantity: 6 }]), 409],
      [
        'other store sku',
        checkout(shop, [{ product_id: other.products[0]?.id, quantity: 1 }]),
        409,
      ],
      [
        'mixed currency',
        checkout(shop, [
          { product_id: p, quantity: 1 },
          { product_id: usd.products[0]?.id, quantity: 1 },
        ]),
        400,
      ],
      [
        'client price',
        checkout(shop, [{ product_id: p, quantity: 1, price_minor: 1 } as never]),
        400,
      ],
      [
        'client status',
        checkout(shop, [{ product_id: p, quantity: 1 }], { extra: { status: 'delivered' } }),
        400,
      ],
      [
        'same product twice',
        checkout(shop, [
          { product_id: p, quantity: 1 },
          { sku: shop.products[0]?.sku, quantity: 1 },
        ]),
        400,
      ],
      [
        'no key',
        t.request({ method: 'POST', url: '/v1/orders', token: customer, payload: {} }),
        400,
      ],
    ];
    for (const [name, pending, status] of cases) {
      const res = await pending;
      expect(res.statusCode, name).toBe(status);
      expect(res.json().code, name).toBeTruthy();
    }
    await t.request({
      method: 'POST',
      url: `/v1/stores/${shop.storeId}/pause`,
      token: shop.storeToken,
    });
    const closed = await checkout(shop, [{ product_id: p, quantity: 1 }]);
    expect(closed.statusCode).toBe(409);
    expect(closed.json().code).toBe('STORE_CLOSED');
    const reserved = await count(
      sql`SELECT coalesce(sum(reserved), 0)::int AS n FROM stock WHERE store_id IN (${shop.storeId}, ${other.storeId}, ${usd.storeId})`,
    );
    expect(reserved).toBe(0);
  });

  it('shows an order only to its customer, its store and ops', async () => {
    const shop = await openShop(t, { stock: [5] });
    const otherShop = await openShop(t, { stock: [1], lat: 52.49 });
    const placed = (
      await checkout(shop, [{ product_id: shop.products[0]?.id, quantity: 1 }])
    ).json();
    const b = await t.tokenFor('customer', 1);
    const url = `/v1/orders/${placed.id}`;
    expect(await statusOf('GET', url, b)).toBe(404);
    expect(await statusOf('GET', url, otherShop.storeToken)).toBe(404);
    expect(await statusOf('POST', `${url}/accept`, otherShop.storeToken)).toBe(404);
    expect(await statusOf('POST', `${url}/cancel`, b, { reason: 'x' })).toBe(404);
    expect(await statusOf('GET', url, shop.storeToken)).toBe(200);
    expect(await statusOf('GET', url, await t.tokenFor('ops'))).toBe(200);
    const mine = (await t.request({ method: 'GET', url: '/v1/orders', token: b })).json();
    expect(mine.items.find((o: { id: string }) => o.id === placed.id)).toBeUndefined();
  });

  it('keeps the promise of an order placed before its parts were kept, without parts', async () => {
    const shop = await openShop(t, { stock: [5] });
    const placed = (
      await checkout(shop, [{ product_id: shop.products[0]?.id, quantity: 1 }])
    ).json();
    expect(Object.keys(placed.promise.parts).sort()).toEqual([
      'accept_s',
      'error_s',
      'handover_s',
      'pickup_lag_s',
      'prep_s',
      'ride_s',
    ]);
    // As a row written before migration 0010 reads: the window and its point, no parts.
    await sql`UPDATE orders SET promise_parts = NULL WHERE id = ${placed.id}`.execute(
      t.platform.ctx.db,
    );
    const read = await t.request({
      method: 'GET',
      url: `/v1/orders/${placed.id}`,
      token: customer,
    });
    expect(read.statusCode).toBe(200);
    const { parts, ...window } = read.json().promise;
    expect(parts).toBeNull();
    expect(window).toEqual({
      from: placed.promise.from,
      to: placed.promise.to,
      at: placed.promise.at,
    });
  });
});
