import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';

let t: TestPlatform;
let customer: string;
let shop: Shop;

beforeAll(async () => {
  t = await startTestPlatform({
    env: {
      LASTMILE_CART_HOLDS: '1',
      LASTMILE_CART_HOLD_MAX_UNITS: '3',
      LASTMILE_CART_HOLD_MAX_TOTAL: '5',
      LASTMILE_CART_HOLD_MAX_AGE_S: '120',
    },
  });
  customer = await t.tokenFor('customer');
  shop = await openShop(t, { stock: [10, 10, 10] });
});
afterAll(async () => {
  await t?.stop();
});

const put = (product: number, quantity: number) =>
  t.request({
    method: 'PUT',
    url: '/v1/cart/lines',
    token: customer,
    payload: { store_id: shop.storeId, product_id: shop.products[product]?.id, quantity },
  });
const reserved = async () =>
  (
    await sql<{ reserved: number }>`SELECT reserved FROM stock WHERE store_id = ${shop.storeId}
      ORDER BY array_position(${shop.products.map((p) => p.id)}::uuid[], product_id)`.execute(
      t.platform.ctx.db,
    )
  ).rows.map((r) => r.reserved);
const cartLines = async () =>
  (await t.request({ method: 'GET', url: '/v1/cart', token: customer }))
    .json()
    .lines.map((l: { quantity: number }) => l.quantity);

describe('cart holds are bounded', () => {
  it('refuses to hold more than the per-product and per-customer caps, changing nothing', async () => {
    const first = await put(0, 3);
    expect(first.statusCode).toBe(200);
    // The cart says what it takes, so an app offers no quantity it would refuse.
    expect(first.json().limits).toEqual({ units_per_product: 3, units_in_all: 5 });
    const perProduct = await put(0, 4);
    expect(perProduct.statusCode).toBe(409);
    expect(perProduct.json()).toMatchObject({ code: 'HOLD_LIMIT' });
    expect(perProduct.json().detail).toContain('3');
    expect(await reserved()).toEqual([3, 0, 0]);
    expect(await cartLines()).toEqual([3]);

    expect((await put(1, 2)).statusCode).toBe(200);
    const overall = await put(2, 1);
    expect(overall.statusCode).toBe(409);
    expect(overall.json()).toMatchObject({ code: 'HOLD_LIMIT' });
    // The refused change is not half-written: the cart and its hold are as before.
    expect(await reserved()).toEqual([3, 2, 0]);
    expect(await cartLines()).toEqual([3, 2]);
  });

  it('never renews a hold past its maximum age: the cart then holds nothing', async () => {
    const lifetime = await sql<{ s: number }>`
      SELECT extract(epoch FROM r.expires_at - c.created_at)::float8 AS s
      FROM reservations r JOIN carts c ON r.owner = 'cart:' || c.id::text
      WHERE r.status = 'held' AND c.status = 'open'`.execute(t.platform.ctx.db);
    expect(lifetime.rows).toHaveLength(1);
    expect(lifetime.rows[0]?.s).toBeLessThanOrEqual(120);
    await sql`UPDATE carts SET created_at = created_at - interval '121 seconds'
      WHERE status = 'open'`.execute(t.platform.ctx.db);
    const renewed = await put(1, 1);
    expect(renewed.statusCode).toBe(200);
    expect(await cartLines()).toEqual([3, 1]);
    expect(await reserved()).toEqual([0, 0, 0]);
    // The cart still checks out: the order reserves its own stock.
    const placed = await t.request({
      method: 'POST',
      url: '/v1/orders',
      token: customer,
      headers: { 'idempotency-key': 'old-cart' },
      payload: {
        delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Torstr. 1' },
        payment: { card_token: 'tok_visa' },
      },
    });
    expect(placed.statusCode).toBe(201);
    expect(await reserved()).toEqual([3, 1, 0]);
  });

  it('takes the limits ops set while carts are in use, and the default back after a reset', async () => {
    const ops = await t.tokenFor('ops');
    const set = (value: object | null, version: number) =>
      t.request({
        method: 'PUT',
        url: '/v1/ops/settings/cart-holds',
        token: ops,
        headers: { 'idempotency-key': `cart-holds-${version}` },
        payload: { value, version, reason: 'a weekend of large baskets' },
      });
    const limits = async () =>
      (await t.request({ method: 'GET', url: '/v1/cart', token: customer })).json().limits;
    expect(await limits()).toEqual({ units_per_product: 3, units_in_all: 5 });
    const changed = await set({ max_units: 8, max_total: 30, max_age_s: 600 }, 0);
    expect(changed.statusCode).toBe(200);
    expect(await limits()).toEqual({ units_per_product: 8, units_in_all: 30 });
    expect((await put(2, 8)).statusCode).toBe(200);
    expect((await put(2, 9)).json()).toMatchObject({ code: 'HOLD_LIMIT' });
    expect((await set(null, 1)).statusCode).toBe(200);
    expect(await limits()).toEqual({ units_per_product: 3, units_in_all: 5 });
  });
});
