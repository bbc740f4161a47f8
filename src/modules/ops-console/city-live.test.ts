import { latLngToCell } from 'h3-js';
import { uuidv7 } from 'uuidv7';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { driverOnShift } from '../../../test/support/drivers.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import {
  closeSockets,
  type Opened,
  openSocket,
  type Refused,
} from '../../../test/support/socket-client.ts';
import { driversFor } from '../drivers/index.ts';
import { opsCityFor } from './index.ts';

// The ops console's live city over its socket, against a listening app with real services: a
// snapshot, then numbered frames as drivers move and orders come in; resuming; who may follow it.

let t: TestPlatform;
let base: string;
let ops: string;
let shop: Shop;
beforeAll(async () => {
  t = await startTestPlatform({
    listen: true,
    env: {
      LASTMILE_OPS_CITY_TICK_MS: '50',
      LASTMILE_OPS_CITY_STATE_MS: '150',
      // A paid order not accepted turns late within a test.
      LASTMILE_OPS_LATE_ACCEPT_S: '2',
    },
  });
  base = t.platform.url as string;
  ops = await t.tokenFor('ops');
  shop = await openShop(t, { stock: [50], lat: 53.55, lng: 10 });
});
afterEach(() => closeSockets());
afterAll(async () => {
  closeSockets();
  await t?.stop();
});

type Msg = Record<string, unknown>;
const LIVE = '/v1/ops/city/live';
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

function opened(r: Opened | Refused): Opened {
  if (!r.ok) throw new Error(`refused ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}
const follow = async (query = '') => opened(await openSocket(base, `${LIVE}${query}`, bearer(ops)));
const snapshotOf = (o: Opened) =>
  waitFor(() => o.messages.find((m) => m.type === 'snapshot'), 5000, 'the snapshot');
const frames = (o: Opened) => o.messages.filter((m) => m.type === 'frame');
const seqs = (o: Opened) => frames(o).map((m) => m.seq as number);

/**
 * The driver reports a position `agoMs` ago; returns when it was recorded. Ingest drops a jump
 * faster than a vehicle, so a first position is reported a while back and the moves now.
 */
async function report(token: string, lat: number, lng: number, agoMs = 0): Promise<number> {
  const at = Date.now() - agoMs;
  const res = await t.request({
    method: 'POST',
    url: '/v1/drivers/me/locations',
    token,
    payload: { points: [{ lat, lng, recorded_at: new Date(at).toISOString() }] },
  });
  expect(res.statusCode).toBe(200);
  return at;
}

/** Every position of this driver the socket carried, in order (snapshot first). */
function positionsOf(o: Opened, driverId: string) {
  const out: Msg[] = [];
  for (const m of o.messages) {
    const list =
      m.type === 'snapshot'
        ? (m.positions as Msg[])
        : m.type === 'frame'
          ? ((m.positions as { upsert: Msg[] } | undefined)?.upsert ?? [])
          : [];
    out.push(...list.filter((p) => p.id === driverId));
  }
  return out;
}

/** The newest version of an entry of `kind` the socket carried (snapshot, then frames). */
function latest(o: Opened, kind: string, id: string): Msg | undefined {
  let found: Msg | undefined;
  for (const m of o.messages) {
    const list =
      m.type === 'snapshot'
        ? (m[kind] as Msg[])
        : m.type === 'frame'
          ? ((m[kind] as { upsert: Msg[] } | undefined)?.upsert ?? [])
          : [];
    for (const e of list) if ((e.id ?? e.cell) === id) found = e;
  }
  return found;
}

/** The position, if it is at `lat` (the geo index keeps a point to within a metre). */
const near = (p: Msg | undefined, lat: number) =>
  p && Math.abs((p.lat as number) - lat) < 1e-5 ? p : undefined;

describe("the ops console's live city", () => {
  it('starts with a snapshot, then frames of what moved, numbered without gaps', async () => {
    const d = await driverOnShift(t, 'Live One');
    await report(d.token, 53.551, 10.001, 20_000);
    const o = await follow();
    const snap = await snapshotOf(o);
    expect(snap).toMatchObject({ type: 'snapshot', epoch: expect.any(String) });
    expect(o.messages[0]).toBe(snap);
    await waitFor(() => latest(o, 'positions', d.id), 5000, 'the driver on the map');
    expect(latest(o, 'drivers', d.id)).toEqual({
      id: d.id,
      name: 'Live One',
      status: 'available',
      vehicle: 'bike',
      trip_id: null,
      order_ids: [],
    });
    expect(latest(o, 'stores', shop.storeId)).toMatchObject({
      name: expect.any(String),
      lat: 53.55,
      lng: 10,
      cell: latLngToCell(53.55, 10, 8),
      status: 'open',
      open_orders: 0,
    });

    const at = await report(d.token, 53.552, 10.002);
    const moved = await waitFor(() => near(latest(o, 'positions', d.id), 53.552), 5000, 'the move');
    const cell = latLngToCell(moved.lat as number, moved.lng as number, 8);
    expect(moved).toEqual({ id: d.id, lat: expect.any(Number), lng: expect.any(Number), cell, at });
    expect(moved.lng).toBeCloseTo(10.002, 5);
    // Only what changed: a frame with the move holds no other kind unless it changed too.
    const move = frames(o).find((f) => positionsOf({ ...o, messages: [f] }, d.id).length > 0);
    expect((move?.positions as { upsert: Msg[] }).upsert.every((p) => p.id === d.id)).toBe(true);

    const order = await paidOrderAt(t, shop, { token: await t.tokenFor('customer') });
    await waitFor(() => latest(o, 'orders', order.id), 5000, 'the paid order');
    expect(latest(o, 'orders', order.id)).toMatchObject({
      status: 'authorized',
      store_id: shop.storeId,
      deadline_at: expect.any(String),
    });
    await waitFor(() => latest(o, 'stores', shop.storeId)?.open_orders === 1, 5000, 'backlog');
    const zones = o.messages.flatMap((m) =>
      m.type === 'frame' ? ((m.zones as { upsert: Msg[] } | undefined)?.upsert ?? []) : [],
    );
    expect(zones.some((z) => (z.demand as number) > 0)).toBe(true);
    expect(zones.some((z) => (z.supply as number) > 0)).toBe(true);

    const first = seqs(o)[0] as number;
    expect(first).toBe((snap.seq as number) + 1);
    expect(seqs(o)).toEqual(seqs(o).map((_, i) => first + i));
    expect(new Set(frames(o).map((f) => f.epoch))).toEqual(new Set([snap.epoch]));
  });

  it('turns an order late, and removes what leaves: an order canceled, a driver off shift', async () => {
    const d = await driverOnShift(t, 'Live Three');
    await report(d.token, 53.553, 10.003, 20_000);
    const customer = await t.tokenFor('customer');
    const order = await paidOrderAt(t, shop, { token: customer });
    const o = await follow();
    await snapshotOf(o);
    await waitFor(() => latest(o, 'orders', order.id)?.late === true, 8000, 'late');
    const cancel = await t.request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      token: customer,
      headers: { 'idempotency-key': uuidv7() },
      payload: { reason: 'too slow' },
    });
    expect(cancel.statusCode).toBe(200);
    const removed = (kind: string, id: string) =>
      frames(o).some((f) => (f[kind] as { remove: string[] } | undefined)?.remove.includes(id));
    await waitFor(() => removed('orders', order.id), 5000, 'the order gone');
    const off = await t.request({
      method: 'PUT',
      url: '/v1/drivers/me/shift',
      token: d.token,
      headers: { 'idempotency-key': uuidv7() },
      payload: { status: 'offline' },
    });
    expect(off.statusCode).toBe(200);
    await waitFor(() => removed('drivers', d.id) && removed('positions', d.id), 5000, 'off shift');
  });

  it('resumes after a seq of its epoch with only the later frames; else a snapshot', async () => {
    const d = await driverOnShift(t, 'Live Two');
    await report(d.token, 53.56, 10.01, 20_000);
    const keeper = await follow();
    const snap = await snapshotOf(keeper);
    const a = await follow();
    await snapshotOf(a);
    await waitFor(() => latest(a, 'positions', d.id), 5000, 'the driver');
    const last = Math.max(snap.seq as number, ...seqs(a));
    a.ws.terminate();
    await report(d.token, 53.561, 10.011);
    await waitFor(() => near(latest(keeper, 'positions', d.id), 53.561), 5000, 'the move');

    const resumed = await follow(`?after=${last}&epoch=${snap.epoch as string}`);
    await waitFor(() => near(latest(resumed, 'positions', d.id), 53.561), 5000, 'missed');
    expect(resumed.messages.some((m) => m.type === 'snapshot')).toBe(false);
    const got = seqs(resumed);
    expect(got[0]).toBe(last + 1);
    expect(got).toEqual(got.map((_, i) => last + 1 + i));

    for (const query of [`?after=${last}&epoch=other`, `?after=${last}`, '?after=99999&epoch=x']) {
      const fresh = await follow(query);
      expect(await snapshotOf(fresh)).toMatchObject({ epoch: snap.epoch });
      expect(fresh.messages[0]?.type).toBe('snapshot');
    }
  });

  it('reads only while someone follows: the last socket to close stops it', async () => {
    const first = await follow();
    const snap = await snapshotOf(first);
    expect(opsCityFor(t.platform.ctx).running()).toBe(true);
    first.ws.close();
    await waitFor(() => !opsCityFor(t.platform.ctx).running(), 5000, 'stopped');
    const again = await follow(`?after=${snap.seq as number}&epoch=${snap.epoch as string}`);
    const next = await snapshotOf(again);
    expect(next.epoch).not.toBe(snap.epoch);
  });

  it('reads at most `limit` drivers on shift, the first by id', async () => {
    await driverOnShift(t, 'Limit One');
    await driverOnShift(t, 'Limit Two');
    const drivers = driversFor(t.platform.ctx);
    const all = await drivers.online(1000);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(await drivers.online(1)).toEqual(all.slice(0, 1));
  });

  it('refuses a bad cursor with a 400 before the upgrade', async () => {
    for (const query of [
      '?after=-1',
      '?after=x',
      '?after=1.5',
      '?epoch=a%20b',
      '?epoch=',
      '?x=1',
    ]) {
      const r = await openSocket(base, `${LIVE}${query}`, bearer(ops));
      if (r.ok) throw new Error(`opened with ${query}`);
      expect(r.status, query).toBe(400);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(opsCityFor(t.platform.ctx).running()).toBe(false);
  });

  it('closes with 1011 when the first read fails, stops, and starts afresh for the next', async () => {
    const city = opsCityFor(t.platform.ctx);
    await waitFor(() => !city.running(), 5000, 'idle');
    const before = await snapshotOf(await follow());
    closeSockets();
    await waitFor(() => !city.running(), 5000, 'idle again');
    const online = vi
      .spyOn(driversFor(t.platform.ctx), 'online')
      .mockRejectedValue(new Error('the drivers cannot be read'));
    try {
      const failed = await Promise.all([follow(), follow()]);
      for (const f of failed) {
        expect(await f.closed).toEqual({ code: 1011, reason: 'internal error' });
        expect(f.messages).toEqual([]);
      }
      expect(online).toHaveBeenCalled();
      await waitFor(() => !city.running(), 5000, 'stopped after the failure');
    } finally {
      online.mockRestore();
    }
    const next = await snapshotOf(await follow(`?after=${before.seq}&epoch=${before.epoch}`));
    expect(next.epoch).not.toBe(before.epoch);
    expect(city.running()).toBe(true);
  });

  it('is refused to anyone but ops, before the upgrade', async () => {
    const driver = await driverOnShift(t, 'Not ops');
    for (const token of [await t.tokenFor('customer'), driver.token, shop.storeToken]) {
      const r = await openSocket(base, LIVE, bearer(token));
      if (r.ok) throw new Error('opened');
      expect(r.status).toBe(403);
      expect(r.type).toMatch(/^application\/problem\+json/);
    }
    const anonymous = await openSocket(base, LIVE);
    expect(anonymous.ok).toBe(false);
    if (!anonymous.ok) expect(anonymous.status).toBe(401);
    expect(opsCityFor(t.platform.ctx).running()).toBe(false);
  });
});
