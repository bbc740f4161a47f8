import { uuidv7 } from 'uuidv7';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { moveOrder, openShop, orderAt, type Shop } from '../../../test/support/shop.ts';
import {
  closeSockets,
  type Opened,
  openSocket,
  type Refused,
} from '../../../test/support/socket-client.ts';
import { seedDriverProfile } from '../drivers/index.ts';

// The accept window is short here so a paid order waits "too long" (two thirds of it) within a test.
const ACCEPT_TIMEOUT_S = 9;

let t: TestPlatform;
let base: string;
let customer: string;
beforeAll(async () => {
  t = await startTestPlatform({
    listen: true,
    env: { LASTMILE_ACCEPT_TIMEOUT_S: String(ACCEPT_TIMEOUT_S) },
  });
  base = t.platform.url as string;
  customer = await t.tokenFor('customer');
});
afterEach(() => closeSockets());
afterAll(async () => {
  closeSockets();
  await t?.stop();
});

let shopN = 0;
const shop = () => openShop(t, { stock: [50], lat: 40 + shopN++ * 0.5, lng: 9 });
const live = (storeId: string, query = '') => `/v1/stores/${storeId}/orders/live${query}`;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

function opened(r: Opened | Refused): Opened {
  if (!r.ok) throw new Error(`refused ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}
const follow = async (s: Shop, query = '', token = s.storeToken) =>
  opened(await openSocket(base, live(s.storeId, query), bearer(token)));
const logOf = (o: Opened) => o.messages.filter((m) => m.type === 'order' || m.type === 'waiting');
const seqs = (o: Opened) => logOf(o).map((m) => m.seq as number);
const statuses = (o: Opened) => logOf(o).map((m) => m.status ?? m.type);

async function place(s: Shop, card = 'tok_visa') {
  const res = await orderAt(t, s, { token: customer, card, address: 'Door 9' });
  expect([201, 402]).toContain(res.statusCode);
  return (res.json().id ?? res.json().order_id) as string;
}

describe("a store's live order stream", () => {
  it('shows every staff socket the same numbered sequence, from a snapshot', async () => {
    const s = await shop();
    const a = await follow(s);
    const b = await follow(s);
    for (const o of [a, b])
      expect(
        await waitFor(() => o.messages.find((m) => m.type === 'snapshot'), 5000, 'snapshot'),
      ).toMatchObject({ store_id: s.storeId, seq: 0, orders: [] });
    const id = await place(s);
    await moveOrder(t, s, id, 'accept', 'preparing', 'ready');
    await waitFor(() => seqs(a).length === 4 && seqs(b).length === 4, 10_000, 'four moves');
    expect(seqs(a)).toEqual([1, 2, 3, 4]);
    expect(logOf(b)).toEqual(logOf(a));
    expect(statuses(a)).toEqual(['authorized', 'accepted', 'preparing', 'ready']);
    const first = logOf(a)[0] as Record<string, unknown>;
    expect(first).toMatchObject({ order_id: id, currency: 'EUR', reason: null });
    const window = Date.parse(first.accept_by as string) - Date.parse(first.at as string);
    expect(window).toBe(ACCEPT_TIMEOUT_S * 1000);

    // A socket opened later starts from a snapshot of the open orders and the log's last seq.
    const late = await follow(s);
    expect(
      await waitFor(() => late.messages.find((m) => m.type === 'snapshot'), 5000, 'snapshot'),
    ).toMatchObject({ seq: 4, orders: [{ order_id: id, status: 'ready', waiting: false }] });
  });

  it('resumes after the last seq with nothing missed, or sends a snapshot when it cannot', async () => {
    const s = await shop();
    const first = await follow(s);
    const id = await place(s);
    await waitFor(() => seqs(first).length === 1, 10_000, 'the new order');
    first.ws.terminate();
    await moveOrder(t, s, id, 'accept', 'preparing');
    const resumed = await follow(s, '?after=1');
    await waitFor(() => seqs(resumed).length === 2, 10_000, 'what was missed');
    expect(seqs(resumed)).toEqual([2, 3]);
    expect(resumed.messages.some((m) => m.type === 'snapshot')).toBe(false);
    await moveOrder(t, s, id, 'ready');
    await waitFor(() => seqs(resumed).length === 3, 10_000, 'the live move');
    expect(statuses(resumed)).toEqual(['accepted', 'preparing', 'ready']);

    // A cursor the log does not hold (ahead of it here; pruned in life) gets a snapshot.
    const lost = await follow(s, '?after=500');
    expect(
      await waitFor(() => lost.messages.find((m) => m.type === 'snapshot'), 5000, 'snapshot'),
    ).toMatchObject({ seq: 4, orders: [{ order_id: id, status: 'ready' }] });
  });

  it("flags a paid order near its accept deadline, then reports the deadline's cancel", async () => {
    const s = await shop();
    const o = await follow(s);
    const id = await place(s);
    const waiting = await waitFor(
      () => logOf(o).find((m) => m.type === 'waiting'),
      ACCEPT_TIMEOUT_S * 1000,
      'waiting',
    );
    const paid = logOf(o)[0] as Record<string, unknown>;
    expect(waiting).toMatchObject({ seq: 2, order_id: id, accept_by: paid.accept_by });
    expect(Date.parse(waiting.at as string)).toBeGreaterThanOrEqual(
      Date.parse(paid.at as string) + ((ACCEPT_TIMEOUT_S * 2) / 3) * 1000 - 50,
    );
    const late = await follow(s);
    expect(
      await waitFor(() => late.messages.find((m) => m.type === 'snapshot'), 5000, 'snapshot'),
    ).toMatchObject({ orders: [{ order_id: id, status: 'authorized', waiting: true }] });
    await waitFor(() => statuses(o).includes('canceled'), 15_000, 'canceled by the deadline');
    expect(statuses(o)).toEqual(['authorized', 'waiting', 'canceled']);
  }, 30_000);

  it('never shows an order that was not paid', async () => {
    const s = await shop();
    const o = await follow(s);
    const declined = await place(s, 'tok_decline');
    const cancel = await t.request({
      method: 'POST',
      url: `/v1/orders/${declined}/cancel`,
      token: customer,
      payload: { reason: 'changed my mind' },
    });
    expect(cancel.statusCode).toBe(200);
    const paid = await place(s);
    await waitFor(() => seqs(o).length === 1, 10_000, 'the paid order');
    expect(logOf(o)).toMatchObject([{ seq: 1, order_id: paid, status: 'authorized' }]);
  });

  it("refuses customers, drivers and another store's staff; ops may follow any store", async () => {
    const s = await shop();
    const other = await shop();
    const driverId = uuidv7();
    await seedDriverProfile(t.platform.ctx, { id: driverId, name: 'Stream', vehicle: 'bike' });
    const { token: driver } = await t.platform.ctx.tokens.issue({
      userId: uuidv7(),
      role: 'driver',
      driverId,
    });
    for (const token of [customer, driver, other.storeToken]) {
      const r = await openSocket(base, live(s.storeId), bearer(token));
      expect(r.ok ? 'opened' : r.status).toBe(403);
      if (!r.ok) expect(r.type).toMatch(/^application\/problem\+json/);
    }
    const anonymous = await openSocket(base, live(s.storeId));
    expect(anonymous.ok ? 'opened' : anonymous.status).toBe(401);
    const ops = await t.tokenFor('ops');
    const unknown = await openSocket(base, live(uuidv7()), bearer(ops));
    expect(unknown.ok ? 'opened' : unknown.status).toBe(404);
    const watching = await follow(s, '', ops);
    await waitFor(() => watching.messages.some((m) => m.type === 'snapshot'), 5000, 'snapshot');
    // The bearer subprotocol, as a browser sends it.
    const browser = opened(
      await openSocket(base, live(s.storeId), {
        protocols: ['lastmile.v1', `bearer.${s.storeToken}`],
      }),
    );
    await waitFor(() => browser.messages.some((m) => m.type === 'snapshot'), 5000, 'snapshot');
  });
});
