import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, orderAt, type Shop } from '../../../test/support/shop.ts';
import { inventoryFor } from '../inventory/index.ts';

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

describe('cart stock per line', () => {
  let s: Shop;
  const id = (i: number) => s.products[i]?.id as string;
  const putAt = (product: number, quantity: number) =>
    t.request({
      method: 'PUT',
      url: '/v1/cart/lines',
      token: customer,
      payload: { store_id: s.storeId, product_id: id(product), quantity },
    });
  const view = async () =>
    (await t.request({ method: 'GET', url: '/v1/cart', token: customer })).json();
  type StockLine = { product_id: string; available: number; status: string };
  /** Each line's stock as [available, status], by product. */
  const lineStock = (cart: { lines: StockLine[] }) =>
    Object.fromEntries(cart.lines.map((l) => [l.product_id, [l.available, l.status]]));
  const levelOf = async (i: number) => {
    const level = await inventoryFor(t.platform.ctx).stockOf(s.storeId, id(i));
    if (!level) throw new Error(`no stock row for product ${i}`);
    return level;
  };
  const checkout = (key: string) =>
    t.request({
      method: 'POST',
      url: '/v1/orders',
      token: customer,
      headers: { 'idempotency-key': key },
      payload: {
        delivery: { lat: s.at.lat, lng: s.at.lng + 0.01, address: 'Invalidenstr. 1' },
        payment: { card_token: 'tok_visa' },
      },
    });

  it("counts the cart's own hold as its own: a held cart sees no line short", async () => {
    s = await openShop(t, { stock: [4, 8] });
    await t.request({ method: 'DELETE', url: '/v1/cart', token: customer });
    expect((await putAt(0, 3)).statusCode).toBe(200);
    const answered = await putAt(1, 2);
    expect(answered.statusCode).toBe(200);
    // Others can have 1 unit of product 0; the cart holds 3 of it, so it can have 4.
    expect((await levelOf(0)).available).toBe(1);
    const cart = await view();
    expect(lineStock(cart)).toEqual({ [id(0)]: [4, 'low'], [id(1)]: [8, 'in_stock'] });
    expect(cart.short_product_ids).toEqual([]);
    // The answer to a change tells the same.
    expect(lineStock(answered.json())).toEqual(lineStock(cart));
  });

  it('shows a line short or sold out once its hold lapsed and others took the stock', async () => {
    const cartId = (await view()).id as string;
    await sql`UPDATE reservations SET expires_at = now() - interval '1 second'
      WHERE owner = ${`cart:${cartId}`} AND status = 'held'`.execute(t.platform.ctx.db);
    await inventoryFor(t.platform.ctx).expireDue();
    // The worker's sweep may be the one that ends it.
    await expect.poll(async () => (await levelOf(0)).reserved).toBe(0);
    // Another customer buys 2 of product 0; a count finds none of product 1 on the shelf.
    const other = await t.tokenFor('customer', 1);
    expect((await orderAt(t, s, { token: other, lines: [[0, 2]] })).statusCode).toBe(201);
    await inventoryFor(t.platform.ctx).setLevels(
      [{ storeId: s.storeId, productId: id(1), onHand: 0 }],
      { kind: 'count', reason: 'none on the shelf', actor: 'test' },
    );

    const cart = await view();
    expect(lineStock(cart)).toEqual({ [id(0)]: [2, 'short'], [id(1)]: [0, 'sold_out'] });
    expect([...cart.short_product_ids].sort()).toEqual([id(0), id(1)].sort());
    // Checkout refuses exactly the lines the cart named.
    const refused = await checkout('short-lines');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('OUT_OF_STOCK');
    expect([...refused.json().product_ids].sort()).toEqual([...cart.short_product_ids].sort());
  });

  it('lets the customer lower a short line and remove a sold-out one, then check out', async () => {
    // More of a line the store cannot fill is refused, and the cart stays as it was.
    const more = await putAt(1, 3);
    expect(more.statusCode).toBe(409);
    expect(more.json()).toMatchObject({ code: 'OUT_OF_STOCK', product_ids: [id(1)] });
    expect(lineStock(await view())).toEqual({ [id(0)]: [2, 'short'], [id(1)]: [0, 'sold_out'] });

    // Lowering the short line passes although another line is sold out; the cart holds it again.
    const lowered = await putAt(0, 2);
    expect(lowered.statusCode).toBe(200);
    expect(lineStock(lowered.json())).toEqual({ [id(0)]: [2, 'low'], [id(1)]: [0, 'sold_out'] });
    expect(lowered.json().short_product_ids).toEqual([id(1)]);
    expect(await levelOf(0)).toMatchObject({ reserved: 4, available: 0 });

    const removed = await putAt(1, 0);
    expect(removed.statusCode).toBe(200);
    expect(lineStock(removed.json())).toEqual({ [id(0)]: [2, 'low'] });
    expect(removed.json().short_product_ids).toEqual([]);
    const placed = await checkout('stock-settled');
    expect(placed.statusCode).toBe(201);
    expect(placed.json().totals.subtotal_minor).toBe(2 * (s.products[0]?.price ?? 0));
    // The cart's hold became the order's: 2 for the other customer, 2 for this one.
    expect(await levelOf(0)).toMatchObject({ reserved: 4, available: 0 });
  });
});
