import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerPush } from '../../../test/support/driver-push.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { AppError } from '../../platform/errors.ts';
import type { GeoIndex } from '../../platform/geo/port.ts';
import { createMemoryGeoIndex } from '../../platform/geo/memory-geo-index.ts';
import { driverMovesText } from './driver-status.ts';
import { type DriverPush, driversFor } from './index.ts';
import type { LocationHistory } from './location-history.ts';
import { createLocationIngest } from './location-ingest.ts';

let t: TestPlatform;
let ops: string;
beforeAll(async () => {
  t = await startTestPlatform({ env: { LASTMILE_LOCATION_HISTORY_S: '30' } });
  ops = await t.tokenFor('ops');
});
afterAll(async () => {
  await t?.stop();
});

let n = 0;
async function newDriver(vehicle = 'bike') {
  const email = `driver-${Date.now()}-${n++}@test.lastmile.dev`;
  const res = await t.request({
    method: 'POST',
    url: '/v1/drivers',
    token: ops,
    payload: { name: 'Test Driver', email, password: 'correct-horse-battery', vehicle },
  });
  expect(res.statusCode).toBe(201);
  const login = await t.request({
    method: 'POST',
    url: '/v1/auth/token',
    payload: { email, password: 'correct-horse-battery' },
  });
  return { id: res.json().id as string, email, token: login.json().access_token as string };
}

const T = () => Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const upload = (token: string, points: object[]) =>
  t.request({ method: 'POST', url: '/v1/drivers/me/locations', token, payload: { points } });

describe('drivers', () => {
  it('onboards a driver with a sign-in, refuses a taken email and a bad vehicle', async () => {
    const d = await newDriver('scooter');
    const me = await t.request({ method: 'GET', url: '/v1/drivers/me', token: d.token });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      id: d.id,
      vehicle: 'scooter',
      status: 'offline',
      capacity_items: 25,
      acceptance_rate: 0.8,
      rating: null,
    });
    const again = await t.request({
      method: 'POST',
      url: '/v1/drivers',
      token: ops,
      payload: { name: 'X', email: d.email, password: 'correct-horse-battery', vehicle: 'car' },
    });
    expect(again.statusCode).toBe(409);
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM drivers`.execute(
      t.platform.ctx.db,
    );
    const bad = await t.request({
      method: 'POST',
      url: '/v1/drivers',
      token: ops,
      payload: {
        name: 'X',
        email: 'x@test.lastmile.dev',
        password: 'correct-horse-battery',
        vehicle: 'tank',
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM drivers`.execute(
      t.platform.ctx.db,
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    const customer = await t.tokenFor('customer');
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/drivers',
          token: customer,
          payload: {
            name: 'X',
            email: 'y@test.lastmile.dev',
            password: 'correct-horse-battery',
            vehicle: 'car',
          },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('lists drivers a page at a time by cursor, filtered by status', async () => {
    const made = [await newDriver(), await newDriver(), await newDriver()].map((d) => d.id);
    const list = (query: string) =>
      t.request({ method: 'GET', url: `/v1/drivers?${query}`, token: ops });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`limit=2&status=offline${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      const items = page.json().items as Array<{ id: string; status: string }>;
      expect(items.length).toBeLessThanOrEqual(2);
      expect(items.every((d) => d.status === 'offline')).toBe(true);
      seen.push(...items.map((d) => d.id));
      cursor = page.json().next_cursor;
    } while (cursor !== null);
    expect(seen.filter((id) => made.includes(id))).toEqual([...made].sort());
    expect(seen).toEqual([...new Set(seen)].sort());
    const forged = await list('cursor=not-a-cursor');
    expect(forged.statusCode).toBe(400);
    expect(forged.json().errors[0].path).toBe('querystring.cursor');
  });

  it('changes shift status and never leaves a job by going offline', async () => {
    const d = await newDriver();
    const shift = (status: string) =>
      t.request({
        method: 'PUT',
        url: '/v1/drivers/me/shift',
        token: d.token,
        payload: { status },
      });
    expect((await shift('available')).json().status).toBe('available');
    expect((await shift('break')).json().status).toBe('break');
    expect((await shift('on_delivery')).statusCode).toBe(400);
    await sql`UPDATE drivers SET status = 'on_delivery' WHERE id = ${d.id}`.execute(
      t.platform.ctx.db,
    );
    const off = await shift('offline');
    expect(off.statusCode).toBe(409);
    expect(off.json().code).toBe('CONFLICT');
    // The documented moves are the ones the shift and dispatch guards allow.
    expect(driverMovesText()).toBe(
      'offline → available; available → offline | on_delivery | break; on_delivery → available; break → offline | available',
    );
  });

  it('keeps the newest valid point in the index and drops out-of-order points and impossible jumps', async () => {
    const d = await newDriver();
    const t0 = T() - 60_000;
    const first = await upload(d.token, [
      { lat: 52.5, lng: 13.4, recorded_at: iso(t0), accuracy_m: 5 },
      {
        lat: 52.5005,
        lng: 13.4,
        recorded_at: iso(t0 + 5000),
        accuracy_m: 5,
        speed_mps: 11,
        heading_deg: 0,
      },
    ]);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ accepted: 2, dropped: { out_of_order: 0, impossible_jump: 0 } });
    const second = await upload(d.token, [
      { lat: 52.49, lng: 13.4, recorded_at: iso(t0 + 1000) }, // older than what we have
      { lat: 53.5, lng: 13.4, recorded_at: iso(t0 + 10_000) }, // 110 km in 5 s
      { lat: 52.501, lng: 13.4, recorded_at: iso(t0 + 15_000) },
    ]);
    expect(second.json()).toEqual({
      accepted: 1,
      dropped: { out_of_order: 1, impossible_jump: 1 },
    });
    const pos = await driversFor(t.platform.ctx).positions.get(d.id);
    expect(pos?.at).toBe(t0 + 15_000);
    expect(pos?.lat).toBeCloseTo(52.501, 4);
  });

  it('writes throttled history in batches and the last position on the profile', async () => {
    const d = await newDriver();
    const t0 = T() - 120_000;
    // 24 points 5 s apart over two minutes: one history row per 30 s.
    const points = Array.from({ length: 24 }, (_, i) => ({
      lat: 52.5 + i * 0.0002,
      lng: 13.4,
      recorded_at: iso(t0 + i * 5000),
    }));
    expect((await upload(d.token, points)).json().accepted).toBe(24);
    const rows = await waitFor(
      async () => {
        const r = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM driver_locations WHERE driver_id = ${d.id}`.execute(
          t.platform.ctx.db,
        );
        return (r.rows[0]?.n ?? 0) >= 4 ? r.rows[0]?.n : null;
      },
      10_000,
      'history flush',
    );
    expect(rows).toBe(4);
    const me = await waitFor(async () => {
      const r = (await t.request({ method: 'GET', url: `/v1/drivers/${d.id}`, token: ops })).json();
      return r.last_position ? r : null;
    });
    expect(me.last_position.at).toBe(iso(t0 + 90_000));
  });

  it('refuses bad batches whole: future times, coordinates out of range, too many points, no driver profile', async () => {
    const d = await newDriver();
    const now = T();
    const cases: Array<[string, object[]]> = [
      [
        'future',
        [
          { lat: 52.5, lng: 13.4, recorded_at: iso(now - 1000) },
          { lat: 52.5, lng: 13.4, recorded_at: iso(now + 10 * 60_000) },
        ],
      ],
      ['latitude', [{ lat: 95, lng: 13.4, recorded_at: iso(now) }]],
      ['longitude', [{ lat: 52.5, lng: -181, recorded_at: iso(now) }]],
      ['time', [{ lat: 52.5, lng: 13.4, recorded_at: 'yesterday' }]],
      [
        'too many',
        Array.from({ length: 101 }, (_, i) => ({
          lat: 52.5,
          lng: 13.4,
          recorded_at: iso(now - 200_000 + i * 1000),
        })),
      ],
      ['empty', []],
      [
        'unknown field',
        [{ lat: 52.5, lng: 13.4, recorded_at: iso(now), driver_id: 'someone-else' }],
      ],
    ];
    for (const [what, points] of cases) {
      const res = await upload(d.token, points);
      expect(res.statusCode, what).toBe(400);
      expect(res.json().code, what).toBe('VALIDATION_FAILED');
    }
    expect(await driversFor(t.platform.ctx).positions.get(d.id)).toBeNull();
    // A customer has no driver profile; the ops-less demo customer gets 403.
    expect(
      (
        await upload(await t.tokenFor('customer'), [
          { lat: 52.5, lng: 13.4, recorded_at: iso(now) },
        ])
      ).statusCode,
    ).toBe(403);
  });

  it('takes locations over the driver channel and pushes what is announced to that driver', async () => {
    const d = await newDriver();
    const ws = await t.app.injectWS('/v1/drivers/me/channel', {
      headers: { authorization: `Bearer ${d.token}` },
    });
    const got: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => got.push(JSON.parse(String(data))));
    ws.send(
      JSON.stringify({
        type: 'locations',
        ref: 'a',
        points: [{ lat: 52.51, lng: 13.41, recorded_at: iso(T() - 1000) }],
      }),
    );
    ws.send(
      JSON.stringify({
        type: 'locations',
        ref: 'b',
        points: [{ lat: 152.51, lng: 13.41, recorded_at: iso(T()) }],
      }),
    );
    ws.send('not json');
    await waitFor(() => got.length >= 3, 5000, 'three replies');
    expect(got.find((m) => m.ref === 'a')).toMatchObject({ type: 'ack', accepted: 1 });
    expect(got.find((m) => m.ref === 'b')).toMatchObject({
      type: 'error',
      code: 'VALIDATION_FAILED',
    });
    await waitFor(
      async () => (await driversFor(t.platform.ctx).positions.get(d.id)) !== null,
      5000,
      'position',
    );
    const offer = offerPush();
    driversFor(t.platform.ctx).notify(d.id, offer);
    await waitFor(() => got.some((m) => m.type === 'offer'), 5000, 'pushed offer');
    ws.terminate();
    const customer = await t.tokenFor('customer');
    await expect(
      t.app.injectWS('/v1/drivers/me/channel', {
        headers: { authorization: `Bearer ${customer}` },
      }),
    ).rejects.toThrow();
  });
});

describe('driver channel order', () => {
  it('interleaved pushes from several processes reach the app in commit order: nothing stale, nothing twice', async () => {
    const d = await newDriver();
    const ws = await t.app.injectWS('/v1/drivers/me/channel', {
      headers: { authorization: `Bearer ${d.token}` },
    });
    const got: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => got.push(JSON.parse(String(data))));
    const { notify } = driversFor(t.platform.ctx);
    const [A, B] = [uuidv7(), uuidv7()];
    const offer = (trip: string): DriverPush => offerPush(uuidv7(), trip);
    const expired = (): DriverPush => ({ type: 'offer_expired', offer_id: uuidv7() });
    const canceled = (): DriverPush => ({ type: 'trip_canceled', order_id: uuidv7() });
    const marker: DriverPush = { type: 'trip_unassigned', trip_id: uuidv7(), reason: 'marker' };
    const m = { a2: offer(A), a3: expired(), a5: offer(A), a6: canceled(), b2: offer(B), marker };
    const b3 = expired();
    const push = (message: DriverPush, trip: string, version: number) =>
      notify(d.id, message, { id: trip, version });
    // Trip A committed: offered (v2), expired (v3), offered again (v5), canceled (v6). The
    // announcements arrive out of that order, with repeats; trip B's interleave with them.
    push(m.a2, A, 2);
    push(m.b2, B, 2);
    push(m.a6, A, 6);
    push(m.a3, A, 3);
    push(m.a5, A, 5);
    push(m.b2, B, 2);
    push(b3, B, 3);
    push(m.a6, A, 6);
    push(m.b2, B, 2);
    notify(d.id, m.marker);
    await waitFor(() => got.some((x) => x.type === 'trip_unassigned'), 5000, 'the last push');
    expect(got).toEqual([m.a2, m.b2, m.a6, b3, m.marker]);
    ws.terminate();
  });
});

describe('location ingest backpressure', () => {
  const history: LocationHistory = {
    add: () => {},
    size: () => 0,
    flush: async () => 0,
    stop: async () => {},
  };

  it('sheds with 503 and Retry-After while the index is slow, and recovers', async () => {
    const real = createMemoryGeoIndex();
    let release: () => void = () => {};
    let stall = true;
    const slow: GeoIndex = {
      ...real,
      get: real.get,
      upsert: async (points) => {
        if (stall) await new Promise<void>((r) => (release = r));
        return real.upsert(points);
      },
    };
    const ingest = createLocationIngest({
      geo: slow,
      history,
      clock: { now: () => Date.now() },
      maxPending: 50,
      historyMs: 30_000,
    });
    const at = Date.now() - 10_000;
    // Forty drivers upload while the index hangs: the first write stalls, the others queue.
    const inFlight = Array.from({ length: 40 }, (_, i) =>
      ingest.ingest(`d${i}`, [{ lat: 52.5, lng: 13.4, at }]),
    );
    await waitFor(() => ingest.pending() >= 40, 2000, 'queued');
    const shed = await ingest
      .ingest(
        'late',
        Array.from({ length: 20 }, (_, i) => ({ lat: 52.5, lng: 13.4, at: at + i })),
      )
      .catch((e: unknown) => e);
    expect(shed).toBeInstanceOf(AppError);
    expect((shed as AppError).code).toBe('OVERLOADED');
    expect((shed as AppError).retryAfterS).toBeGreaterThan(0);
    expect(ingest.pending()).toBeLessThanOrEqual(50);
    stall = false;
    release();
    const results = await Promise.all(inFlight);
    expect(results.every((r) => r.accepted === 1)).toBe(true);
    expect(ingest.pending()).toBe(0);
    expect((await ingest.ingest('late', [{ lat: 52.5, lng: 13.4, at }])).accepted).toBe(1);
    expect(await real.size()).toBe(41);
  });

  it('answers 503 when the index is down, not 500', async () => {
    const down: GeoIndex = {
      ...createMemoryGeoIndex(),
      get: async () => null,
      upsert: async () => Promise.reject(new Error('connection refused')),
    };
    const ingest = createLocationIngest({
      geo: down,
      history,
      clock: { now: () => Date.now() },
      maxPending: 50,
      historyMs: 30_000,
    });
    const err = await ingest
      .ingest('d', [{ lat: 52.5, lng: 13.4, at: Date.now() }])
      .catch((e: unknown) => e);
    expect((err as AppError).code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
