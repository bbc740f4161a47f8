import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';
import { DEFAULT_FEES } from './pricing.ts';

let t: TestPlatform;
let near: Shop;
let far: Shop;
let paused: Shop;

beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
  [near, far, paused] = await Promise.all([
    openShop(t, { stock: [1], lat: 48.1, lng: 11.5 }),
    openShop(t, { stock: [1], lat: 48.5, lng: 11.5 }),
    openShop(t, { stock: [1], lat: 48.101, lng: 11.5 }),
  ]);
  const ops = await t.tokenFor('ops');
  const pause = await t.request({
    method: 'POST',
    url: `/v1/stores/${paused.storeId}/pause`,
    token: ops,
  });
  expect(pause.statusCode).toBe(200);
});
afterAll(async () => t?.stop());

const fees = (query: string) =>
  t.request({ method: 'GET', url: `/v1/delivery-fees?lat=48.102&lng=11.5&${query}` });

describe('delivery fees of stores for a point', () => {
  it("answers each store's fees from the checkout's schedule, and whether it delivers there now", async () => {
    const unknown = uuidv7();
    const ids = [near.storeId, far.storeId, paused.storeId, unknown, near.storeId.toUpperCase()];
    const res = await fees(ids.map((id) => `store_id=${id}`).join('&'));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=10');
    const quote = {
      delivery_fee_minor: DEFAULT_FEES.deliveryFeeMinor,
      small_order_threshold_minor: DEFAULT_FEES.smallOrderThresholdMinor,
      small_order_fee_max_minor: DEFAULT_FEES.smallOrderFeeMaxMinor,
    };
    // In the order asked, a repeat once; only the open store covering the point delivers.
    expect(res.json().items).toEqual([
      { store_id: near.storeId, delivers: true, ...quote },
      { store_id: far.storeId, delivers: false, ...quote },
      { store_id: paused.storeId, delivers: false, ...quote },
      { store_id: unknown, delivers: false, ...quote },
    ]);
    // One store is a list of one.
    const one = await fees(`store_id=${near.storeId}`);
    expect(one.json().items).toEqual([{ store_id: near.storeId, delivers: true, ...quote }]);
  });

  it('refuses a request without stores, with too many or with a bad point', async () => {
    const none = await fees('');
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('VALIDATION_FAILED');
    const many = Array.from({ length: 101 }, () => `store_id=${uuidv7()}`).join('&');
    expect((await fees(many)).statusCode).toBe(400);
    expect((await fees('store_id=not-a-store')).statusCode).toBe(400);
    const off = await t.request({
      method: 'GET',
      url: `/v1/delivery-fees?lat=91&lng=11.5&store_id=${near.storeId}`,
    });
    expect(off.statusCode).toBe(400);
  });
});
