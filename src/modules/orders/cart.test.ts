import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';

let t: TestPlatform;
let customer: string;
let shop: Shop;

beforeAll(async () => {
  // Cart holds on: adding to the cart reserves stock until checkout or expiry.
  t = await startTestPlatform({ env: { LASTMILE_CART_HOLDS: '1' } });
  customer = await t.tokenFor('customer');
  shop = await openShop(t, { stock: [3, 10], prices: [400, 150] });
});
afterAll(async () => {
  await t?.stop();
});

const put = (product: number, quantity: number, storeId = shop.storeId) =>
  t.request({
    method: 'PUT',
    url: '/v1/cart/lines',
    token: customer,
    payload: { store_id: storeId, product_id: shop.products[product]?.id, quantity },
  });
const reserved = async (i: number) =>
  (
    await sql<{
      reserved: number;
    }>`SELECT reserved FROM stock WHERE store_id = ${shop.storeId} AND product_id = ${shop.products[i]?.id}`.execute(
      t.platform.ctx.db,
    )
  ).rows[0]?.reserved;

describe('cart', () => {
  it('prices lines from the catalog, holds stock, and converts the hold into the order', async () => {
    const first = await put(0, 2);
    expect(first.statusCode).toBe(200);
    expect(first.json().totals.subtotal_minor).toBe(800);
    expect(await reserved(0)).toBe(2);
    await put(1, 4);
    await put(0, 1);
    expect(await reserved(0)).toBe(1);
    expect(await reserved(1)).toBe(4);
    const cart = (await t.request({ method: 'GET', url: '/v1/cart', token: customer })).json();
    expect(cart.lines).toHaveLength(2);
    expect(cart.totals.subtotal_minor).toBe(400 + 600);

    const tooMany = await put(0, 5);
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().code).toBe('OUT_OF_STOCK');
    expect(await reserved(0)).toBe(1);

    const placed = await t.request({
      method: 'POST',
      url: '/v1/orders',
      token: customer,
      headers: { 'idempotency-key': 'cart-checkout' },
      payload: {
        delivery: { lat: shop.at.lat, lng: shop.at.lng + 0.01, address: 'Invalidenstr. 1' },
        payment: { card_token: 'tok_visa' },
      },
    });
    expect(placed.statusCode).toBe(201);
    expect(placed.json().totals.subtotal_minor).toBe(1000);
    // The cart's hold became the order's reservation: no unit counted twice.
    expect(await reserved(0)).toBe(1);
    expect(await reserved(1)).toBe(4);
    const empty = (await t.request({ method: 'GET', url: '/v1/cart', token: customer })).json();
    expect(empty.lines).toHaveLength(0);
  });

  it('checks a cart out once even when two checkouts with different keys race', async () => {
    await put(1, 1);
    const body = {
      delivery: { lat: shop.at.lat, lng: shop.at.lng + 0.01, address: 'Invalidenstr. 1' },
      payment: { card_token: 'tok_visa' },
    };
    const [a, b] = await Promise.all(
      ['tap-1', 'tap-2'].map((key) =>
        t.request({
          method: 'POST',
          url: '/v1/orders',
          token: customer,
          headers: { 'idempotency-key': key },
          payload: body,
        }),
      ),
    );
    const codes = [a?.statusCode, b?.statusCode].sort();
    expect(codes[0]).toBe(201);
    expect([409, 422]).toContain(codes[1]);
  });

  it('keeps a cart at one store and frees the hold when emptied', async () => {
    const other = await openShop(t, { stock: [1], lat: 52.51 });
    await put(1, 2);
    const elsewhere = await t.request({
      method: 'PUT',
      url: '/v1/cart/lines',
      token: customer,
      payload: { store_id: other.storeId, product_id: other.products[0]?.id, quantity: 1 },
    });
    expect(elsewhere.statusCode).toBe(409);
    const before = await reserved(1);
    expect(
      (await t.request({ method: 'DELETE', url: '/v1/cart', token: customer })).statusCode,
    ).toBe(204);
    expect(await reserved(1)).toBe((before ?? 0) - 2);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/orders',
          token: customer,
          headers: { 'idempotency-key': 'empty' },
          payload: {
            delivery: { lat: 52.5, lng: 13.4, address: 'x st' },
            payment: { card_token: 'tok_visa' },
          },
        })
      ).statusCode,
    ).toBe(422);
  });

  it('refuses bad cart input', async () => {
    expect((await put(0, -1)).statusCode).toBe(400);
    expect((await put(0, 100)).statusCode).toBe(400);
    const unknown = await t.request({
      method: 'PUT',
      url: '/v1/cart/lines',
      token: customer,
      payload: {
        store_id: shop.storeId,
        product_id: '01a20959-0000-7000-8000-000000000000',
        quantity: 1,
      },
    });
    expect(unknown.statusCode).toBe(400);
    // A store that does not exist: 404, and no cart is opened there.
    const nowhere = '01a20959-0000-7000-8000-000000000001';
    const stranger = await t.tokenFor('customer');
    const ghost = await t.request({
      method: 'PUT',
      url: '/v1/cart/lines',
      token: stranger,
      payload: { store_id: nowhere, product_id: shop.products[0]?.id, quantity: 1 },
    });
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json().code).toBe('NOT_FOUND');
    const carts = await sql`SELECT id FROM carts WHERE store_id = ${nowhere}`.execute(
      t.platform.ctx.db,
    );
    expect(carts.rows).toEqual([]);
    const withPrice = await t.request({
      method: 'PUT',
      url: '/v1/cart/lines',
      token: customer,
      payload: {
        store_id: shop.storeId,
        product_id: shop.products[0]?.id,
        quantity: 1,
        price_minor: 1,
      },
    });
    expect(withPrice.statusCode).toBe(400);
  });
});
