import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';

let t: TestPlatform;
let customer: string;
let shop: Shop;

beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
  customer = await t.tokenFor('customer');
  shop = await openShop(t, { stock: [10, 10], prices: [500, 300] });
});
afterAll(async () => {
  await t?.stop();
});

let keyN = 0;
const checkout = (lines: Array<{ product_id?: string; sku?: string; quantity: number }>) =>
  t.request({
    method: 'POST',
    url: '/v1/orders',
    token: customer,
    headers: { 'idempotency-key': `lines-${keyN++}` },
    payload: {
      store_id: shop.storeId,
      lines,
      delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Torstr. 1' },
      payment: { card_token: 'tok_visa' },
    },
  });
const reserved = async () =>
  (
    await sql<{
      n: number;
    }>`SELECT coalesce(sum(reserved), 0)::int AS n FROM stock WHERE store_id = ${shop.storeId}`.execute(
      t.platform.ctx.db,
    )
  ).rows[0]?.n;

describe('order lines say what they mean', () => {
  it('refuses a line whose product_id and sku name different products, reserving nothing', async () => {
    const [a, b] = shop.products as [Shop['products'][0], Shop['products'][0]];
    const before = await reserved();
    const res = await checkout([{ product_id: a.id, sku: b.sku, quantity: 1 }]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(res.json().errors[0].path).toBe('body.lines.0');
    expect(await reserved()).toBe(before);
    const unknownSku = await checkout([{ product_id: a.id, sku: 'NOPE-1', quantity: 1 }]);
    expect(unknownSku.statusCode).toBe(400);
    // Both naming the same product is fine.
    expect((await checkout([{ product_id: b.id, sku: b.sku, quantity: 1 }])).statusCode).toBe(201);
  });

  it('refuses a ready with more picked than ordered (or a line twice), naming the line', async () => {
    const [a, b] = shop.products as [Shop['products'][0], Shop['products'][0]];
    const placed = await checkout([
      { product_id: a.id, quantity: 2 },
      { product_id: b.id, quantity: 1 },
    ]);
    expect(placed.statusCode).toBe(201);
    const id = placed.json().id as string;
    const act = (action: string, payload?: object) =>
      t.request({
        method: 'POST',
        url: `/v1/orders/${id}/${action}`,
        token: shop.storeToken,
        ...(payload ? { payload } : {}),
      });
    expect((await act('accept')).statusCode).toBe(200);
    expect((await act('preparing')).statusCode).toBe(200);
    const over = await act('ready', {
      picked: [
        { product_id: b.id, quantity: 1 },
        { product_id: a.id, quantity: 3 },
      ],
    });
    expect(over.statusCode).toBe(400);
    expect(over.json().code).toBe('VALIDATION_FAILED');
    expect(over.json().errors[0].path).toBe('body.picked.1.quantity');
    expect(over.json().detail).toContain(a.id);
    const twice = await act('ready', {
      picked: [
        { product_id: a.id, quantity: 1 },
        { product_id: a.id, quantity: 1 },
      ],
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().errors[0].path).toBe('body.picked.1.product_id');
    const view = async () =>
      (await t.request({ method: 'GET', url: `/v1/orders/${id}`, token: customer })).json();
    expect((await view()).status).toBe('preparing');
    const ok = await act('ready', { picked: [{ product_id: a.id, quantity: 2 }] });
    expect(ok.statusCode).toBe(200);
    const lines = (await view()).lines as Array<{ product_id: string; picked_quantity: number }>;
    expect(lines.find((l) => l.product_id === a.id)?.picked_quantity).toBe(2);
  });
});
