import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { moveOrder, openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import { DEMO_USERS } from '../../cli/demo-seed.ts';
import { seedDriverProfile } from '../drivers/index.ts';

// Ops' order search: each key alone and together, paging, and who may call it.
let t: TestPlatform;
let ops: string;
let ana: string;
let ben: string;
let anaId: string;
let shopA: Shop;
let shopB: Shop;
/** Oldest first: Ana at A, Ben at B, Ana at B (canceled), then Ana's five at A for paging. */
const placed: string[] = [];

const search = (query: string, token = ops) =>
  t.request({ method: 'GET', url: `/v1/ops/orders?${query}`, token });
const ids = async (query: string): Promise<string[]> => {
  const res = await search(query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((o: { id: string }) => o.id);
};
const newestFirst = (list: readonly string[]) => [...list].reverse();

beforeAll(async () => {
  t = await startTestPlatform();
  ops = await t.tokenFor('ops');
  ana = await t.tokenFor('customer', 0);
  ben = await t.tokenFor('customer', 1);
  anaId = (await t.request({ method: 'GET', url: '/v1/me', token: ana })).json().id;
  shopA = await openShop(t, { stock: [50], lat: 48.1, lng: 11.5 });
  shopB = await openShop(t, { stock: [50], lat: 48.3, lng: 11.5 });
  placed.push((await paidOrderAt(t, shopA, { token: ana })).id);
  placed.push((await paidOrderAt(t, shopB, { token: ben })).id);
  const canceled = (await paidOrderAt(t, shopB, { token: ana })).id;
  const cancel = await t.request({
    method: 'POST',
    url: `/v1/orders/${canceled}/cancel`,
    token: ana,
    payload: { reason: 'changed my mind' },
  });
  expect(cancel.statusCode).toBe(200);
  placed.push(canceled);
  for (let i = 0; i < 5; i++) placed.push((await paidOrderAt(t, shopA, { token: ana })).id);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('GET /v1/ops/orders', () => {
  it('finds an order by its id, whole or by its first digits in any case', async () => {
    const id = placed[1] as string;
    expect(await ids(`id=${id}`)).toEqual([id]);
    // 20 hex digits: the time and enough random bits to name one order.
    expect(await ids(`id=${id.slice(0, 23).toUpperCase()}`)).toEqual([id]);
    expect(await ids(`id=${id.replace(/-/g, '').slice(0, 20)}`)).toEqual([id]);
    // The first 8 digits are the time to about a minute: the orders placed in that minute.
    const minute = id.slice(0, 8);
    expect(await ids(`id=${minute}&limit=100`)).toEqual(
      newestFirst(placed.filter((p) => p.startsWith(minute))),
    );
    expect(await ids(`id=${uuidv7()}`)).toEqual([]);
  });

  it('finds the orders of a customer by account id or by email', async () => {
    const anas = newestFirst(placed.filter((_, i) => i !== 1));
    expect(await ids(`customer=${anaId}&limit=100`)).toEqual(anas);
    const email = (DEMO_USERS[0].email as string).toUpperCase();
    expect(await ids(`customer=${encodeURIComponent(email)}&limit=100`)).toEqual(anas);
    expect(await ids('customer=nobody%40example.com')).toEqual([]);
  });

  it('finds the orders of a store, by status, and by both', async () => {
    expect(await ids(`store_id=${shopB.storeId}`)).toEqual([placed[2], placed[1]]);
    expect(await ids('status=canceled')).toEqual([placed[2]]);
    expect(await ids(`store_id=${shopB.storeId}&status=authorized`)).toEqual([placed[1]]);
    expect(await ids(`customer=${anaId}&store_id=${shopB.storeId}`)).toEqual([placed[2]]);
  });

  it('finds the orders placed in a time range', async () => {
    const all = (await search('limit=100')).json().items as Array<{
      id: string;
      placed_at: string;
    }>;
    const at = (id: string | undefined) => all.find((o) => o.id === id)?.placed_at as string;
    const from = at(placed[1]);
    const to = at(placed[3]);
    // Placed at or after `from`, before `to`: the second and third orders.
    expect(await ids(`placed_from=${from}&placed_to=${to}`)).toEqual([placed[2], placed[1]]);
    expect(await ids(`placed_to=${from}`)).toEqual([placed[0]]);
    expect(await ids(`placed_from=${to}&limit=100`)).toEqual(newestFirst(placed.slice(3)));
    const bad = await search(`placed_from=${to}&placed_to=${from}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('querystring.placed_to');
  });

  it('pages newest first with a cursor until the last page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await search(`customer=${anaId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((o: { id: string }) => o.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst(placed.filter((_, i) => i !== 1)));
    expect((await search('cursor=not-a-cursor')).statusCode).toBe(400);
  });

  it('lists each order with its store, customer, driver, total, window and lateness', async () => {
    const [late, carried] = [placed[3] as string, placed[4] as string];
    // One order's window ended an hour ago; another is carried by a driver.
    await sql`UPDATE orders SET promise_from = now() - interval '2 hours', promise_to = now() - interval '1 hour' WHERE id = ${late}`.execute(
      t.platform.ctx.db,
    );
    const driverId = uuidv7();
    await seedDriverProfile(t.platform.ctx, { id: driverId, name: 'Kim Courier', vehicle: 'bike' });
    await moveOrder(t, shopA, carried, 'accept');
    await waitFor(
      async () =>
        (await t.request({ method: 'GET', url: `/v1/orders/${carried}/delivery`, token: ana }))
          .statusCode === 200,
      10_000,
      'the delivery planned',
    );
    await sql`UPDATE deliveries SET driver_id = ${driverId} WHERE order_id = ${carried}`.execute(
      t.platform.ctx.db,
    );

    const items = (await search(`store_id=${shopA.storeId}&limit=100`)).json().items;
    const one = (id: string) => items.find((o: { id: string }) => o.id === id);
    expect(one(late)).toMatchObject({
      status: 'authorized',
      store: { id: shopA.storeId, name: expect.stringMatching(/^Shop /) },
      customer: { id: anaId, email: DEMO_USERS[0].email },
      driver: null,
      delivery_status: null,
      currency: 'EUR',
      late: true,
    });
    expect(one(late).total_minor).toBeGreaterThan(0);
    expect(one(late).promise.to < new Date().toISOString()).toBe(true);
    expect(one(carried)).toMatchObject({
      status: 'accepted',
      driver: { id: driverId, name: 'Kim Courier' },
      delivery_status: 'pending',
      late: false,
    });
    expect(await ids(`driver_id=${driverId}`)).toEqual([carried]);
    expect(await ids(`driver_id=${driverId}&status=authorized`)).toEqual([]);
    expect(await ids(`driver_id=${uuidv7()}`)).toEqual([]);
  });

  it('refuses a malformed key', async () => {
    expect((await search('id=zz')).statusCode).toBe(400);
    const tooLong = await search(`id=${'a'.repeat(33)}`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].path).toBe('querystring.id');
    expect((await search('customer=neither')).statusCode).toBe(400);
    expect((await search('status=lost')).statusCode).toBe(400);
    // Date-time text no clock reads (a leap second) is refused, not a failure.
    expect((await search('placed_from=2026-12-31T23:59:60Z')).statusCode).toBe(400);
  });

  it('is for ops only', async () => {
    const driver = await t.tokenFor('driver');
    for (const token of [ana, shopA.storeToken, driver]) {
      expect((await search('limit=1', token)).statusCode).toBe(403);
      const timeline = await t.request({
        method: 'GET',
        url: `/v1/ops/orders/${placed[0]}/timeline`,
        token,
      });
      expect(timeline.statusCode).toBe(403);
    }
    expect((await t.request({ method: 'GET', url: '/v1/ops/orders' })).statusCode).toBe(401);
  });
});
