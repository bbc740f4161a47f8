import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';

let t: TestPlatform;
let shop: Shop;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
  shop = await openShop(t, { stock: [10] });
});
afterAll(async () => {
  await t?.stop();
});

const url = () => `/v1/stores/${shop.storeId}/stock/${shop.products[0]?.id}`;

describe('stock counts, restocks and adjustments', () => {
  it('records who changed what, when and why', async () => {
    const restock = await t.request({
      method: 'POST',
      url: `${url()}/adjustments`,
      token: shop.storeToken,
      payload: { kind: 'restock', delta: 5, reason: 'morning delivery' },
    });
    expect(restock.statusCode).toBe(200);
    expect(restock.json()).toMatchObject({ on_hand: 15, reserved: 0 });
    const damaged = await t.request({
      method: 'POST',
      url: `${url()}/adjustments`,
      token: shop.storeToken,
      payload: { kind: 'adjustment', delta: -2, reason: 'two jars broken' },
    });
    expect(damaged.json().on_hand).toBe(13);
    const counted = await t.request({
      method: 'PUT',
      url: url(),
      token: shop.storeToken,
      payload: { on_hand: 12, reason: 'weekly count' },
    });
    expect(counted.json().on_hand).toBe(12);
    const view = (await t.request({ method: 'GET', url: url(), token: shop.storeToken })).json();
    expect(view.available).toBe(12);
    expect(
      view.audit.map((a: { kind: string; delta: number; reason: string }) => [
        a.kind,
        a.delta,
        a.reason,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['restock', 5, 'morning delivery'],
        ['adjustment', -2, 'two jars broken'],
        ['count', -1, 'weekly count'],
      ]),
    );
  });

  it('never lets a count or adjustment drop below the reserved units, and refuses other stores and bad input', async () => {
    await t.platform.ctx.db
      .updateTable('stock')
      .set({ reserved: 4 })
      .where('store_id', '=', shop.storeId)
      .execute();
    const tooLow = await t.request({
      method: 'PUT',
      url: url(),
      token: shop.storeToken,
      payload: { on_hand: 3, reason: 'count' },
    });
    expect(tooLow.statusCode).toBe(409);
    const tooMuch = await t.request({
      method: 'POST',
      url: `${url()}/adjustments`,
      token: shop.storeToken,
      payload: { kind: 'adjustment', delta: -100, reason: 'lost' },
    });
    expect(tooMuch.statusCode).toBe(409);
    const other = await openShop(t, { stock: [1], lat: 52.49 });
    expect(
      (await t.request({ method: 'GET', url: url(), token: other.storeToken })).statusCode,
    ).toBe(403);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `${url()}/adjustments`,
          token: shop.storeToken,
          payload: { kind: 'restock', delta: -1, reason: 'x y z' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await t.request({
          method: 'POST',
          url: `${url()}/adjustments`,
          token: shop.storeToken,
          payload: { kind: 'restock', delta: 0, reason: 'x y z' },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await t.request({
          method: 'PUT',
          url: url(),
          token: await t.tokenFor('customer'),
          payload: { on_hand: 1, reason: 'x y z' },
        })
      ).statusCode,
    ).toBe(403);
  });
});
