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
    expect(view).toMatchObject({
      store_id: shop.storeId,
      product_id: shop.products[0]?.id,
      on_hand: 12,
      reserved: 0,
      available: 12,
    });
    // The audit trail, newest first, a row per page: the cursor walks it to its end.
    const trail: Array<readonly [string, number, string, string]> = [];
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await t.request({
        method: 'GET',
        url: `${url()}/adjustments?limit=1${qs}`,
        token: shop.storeToken,
      });
      expect(res.statusCode).toBe(200);
      const page = res.json() as {
        items: Array<{ kind: string; delta: number; reason: string; actor_id: string }>;
        next_cursor: string | null;
      };
      expect(page.items.length).toBe(1);
      trail.push(...page.items.map((a) => [a.kind, a.delta, a.reason, a.actor_id] as const));
      cursor = page.next_cursor;
    } while (cursor);
    const staff = (await t.request({ method: 'GET', url: '/v1/me', token: shop.storeToken })).json()
      .id as string;
    expect(trail).toEqual([
      ['count', -1, 'weekly count', staff],
      ['adjustment', -2, 'two jars broken', staff],
      ['restock', 5, 'morning delivery', staff],
      ['count', 10, 'test shop', 'test'],
    ]);
    const bad = await t.request({
      method: 'GET',
      url: `${url()}/adjustments?cursor=bm9wZQ`,
      token: shop.storeToken,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('querystring.cursor');
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

  it('writes no stock for a product or store that does not exist (404, no row)', async () => {
    const ops = await t.tokenFor('ops');
    const nobody = '01890000-0000-7000-8000-000000000000';
    const writes = [
      { url: `/v1/stores/${shop.storeId}/stock/${nobody}`, token: shop.storeToken },
      { url: `/v1/stores/${shop.storeId}/stock/${nobody}`, token: ops },
      { url: `/v1/stores/${nobody}/stock/${shop.products[0]?.id}`, token: ops },
    ];
    for (const w of writes) {
      const count = await t.request({
        method: 'PUT',
        url: w.url,
        token: w.token,
        payload: { on_hand: 5, reason: 'count' },
      });
      expect(count.statusCode, w.url).toBe(404);
      expect(count.json().code).toBe('NOT_FOUND');
      const restock = await t.request({
        method: 'POST',
        url: `${w.url}/adjustments`,
        token: w.token,
        payload: { kind: 'restock', delta: 5, reason: 'delivery' },
      });
      expect(restock.statusCode, w.url).toBe(404);
    }
    const rows = await t.platform.ctx.db
      .selectFrom('stock')
      .select('product_id')
      .where((eb) => eb.or([eb('product_id', '=', nobody), eb('store_id', '=', nobody)]))
      .execute();
    expect(rows).toEqual([]);
  });
});
