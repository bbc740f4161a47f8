import { cellToLatLng, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { timelineOf } from '../../../test/support/eta-memory.ts';
import { distanceM, type LatLng } from './eta-math.ts';
import { ZONE_RES, zoneOf } from './eta-model.ts';
import { type CheckoutEta, etaFor } from './index.ts';

// A rainy hour widens the promises instead of breaking them: the ETA learns on synthetic
// deliveries whose truth is known, then it rains (the weather feed says so through the ops route)
// and the couriers ride slower by an amount lastmile only roughly knows.

let seed = 7;
const rand = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const STORE = { lat: 53.55, lng: 9.99 };
const [zLat, zLng] = cellToLatLng(latLngToCell(53.572, 9.99, ZONE_RES));
const ZONE_CENTRE = { lat: zLat, lng: zLng };
/** The dry ride speed along the straight line in the zone (m/s). */
const DRY_MPS = 4.5;
const T0 = Date.UTC(2026, 10, 23, 18, 0, 0);
const MIN = 60_000;
const RAIN_FROM = T0 + 35 * MIN;

const doorIn = (c: LatLng): LatLng => ({
  lat: c.lat + ((rand() - 0.5) * 600) / 111_195,
  lng: c.lng + ((rand() - 0.5) * 600) / 66_000,
});

/**
 * One order's way: accept 20 s, preparation about 120 s, the bag waiting about 30 s, the ride at
 * the zone's speed (±10 % by rider) times the rain's slowdown, which depends on the courier's
 * vehicle (between 5 % and 40 % longer), and the handover 60 s.
 */
function outcome(door: LatLng, raining: boolean) {
  const slowdown = raining ? 1.05 + 0.35 * rand() : 1;
  return {
    accept: 20 + 8 * normal(),
    prep: 120 * Math.exp(0.5 * normal() - 0.125),
    lag: -Math.log(1 - rand()) * 30,
    ride: (distanceM(STORE, door) / (DRY_MPS * (0.9 + 0.2 * rand()))) * slowdown,
    handover: 60 + 20 * normal(),
  };
}

let t: TestPlatform;
const clock = { ms: T0 };
beforeAll(async () => {
  t = await startTestPlatform({ clock: { now: () => clock.ms } });
});
afterAll(async () => {
  await t?.stop();
});

const ALL_PARTS = ['accept', 'prep', 'pickup_lag', 'ride', 'handover', 'delivery'] as const;

/** An order of the store to this door, its backlog not known (as for the synthetic timelines). */
const orderAt = (door: LatLng) => ({
  storeId: 'store-rain',
  store: STORE,
  dropoff: door,
  defaultPrepS: 300,
  backlog: null,
});

/** Orders placed every 5 s from now on: each promised at checkout, delivered, and learned from. */
async function deliver(n: number, raining: boolean) {
  const eta = etaFor(t.platform.ctx);
  const out: Array<{ eta: CheckoutEta; arrives: number }> = [];
  for (let i = 0; i < n; i++, clock.ms += 5000) {
    const door = doorIn(ZONE_CENTRE);
    const promise = await eta.promise(orderAt(door));
    const o = outcome(door, raining);
    const timeline = timelineOf(
      { storeId: 'store-rain', store: STORE, dropoff: door },
      clock.ms,
      o,
    );
    await eta.learn({ timeline, parts: [...ALL_PARTS] });
    out.push({ eta: promise, arrives: timeline.deliveredAt as number });
  }
  return out;
}

const rideMps = async () =>
  (await etaFor(t.platform.ctx).learnedFor(zoneOf(ZONE_CENTRE))).find(
    (s) => s.kind === 'ride' && s.hour === -1,
  )?.mean as number;
const shareInside = (xs: Array<{ eta: CheckoutEta; arrives: number }>) =>
  xs.filter((x) => x.arrives >= x.eta.from && x.arrives <= x.eta.to).length / xs.length;
const widthMin = (e: CheckoutEta) => (e.to - e.from) / MIN;

describe('a rainy hour', () => {
  it('widens the promises instead of breaking them, and is not learned as a slow street', async () => {
    const dry = await deliver(400, false);
    expect(shareInside(dry.slice(100))).toBeGreaterThanOrEqual(0.9);
    const dryMps = await rideMps();
    expect(Math.abs(dryMps / DRY_MPS - 1)).toBeLessThan(0.05);

    const door = ZONE_CENTRE;
    clock.ms = RAIN_FROM - 5 * MIN;
    const before = await etaFor(t.platform.ctx).promise(orderAt(door));
    // The weather service says it rains over the whole city for the next hour.
    const ops = await t.tokenFor('ops');
    const res = await callAs(t, ops, 'PUT', '/v1/ops/conditions', {
      source: 'weather',
      conditions: [
        {
          kind: 'rain',
          starts_at: new Date(RAIN_FROM).toISOString(),
          ends_at: new Date(RAIN_FROM + 60 * MIN).toISOString(),
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    clock.ms = RAIN_FROM;
    const during = await etaFor(t.platform.ctx).promise(orderAt(door));
    // Later and wider: the ride takes longer, and how much longer is not sure.
    const after = (e: CheckoutEta, placed: number) => ({ at: e.at - placed, to: e.to - placed });
    const [b, d] = [after(before, RAIN_FROM - 5 * MIN), after(during, RAIN_FROM)];
    expect(d.at - b.at).toBeGreaterThan(0.15 * before.parts.ride_s * 1000);
    expect(during.parts.ride_s / before.parts.ride_s).toBeCloseTo(1.2, 1);
    expect(d.to).toBeGreaterThan(b.to);
    expect(widthMin(during)).toBeGreaterThan(widthMin(before));
    expect(widthMin(during)).toBeLessThanOrEqual(12);

    const wet = await deliver(300, true);
    // The stated share (the windows are the 5th to 95th percentile) holds in the rain.
    expect(shareInside(wet)).toBeGreaterThanOrEqual(0.9);
    const meanWidth = (xs: typeof wet) => xs.reduce((s, x) => s + widthMin(x.eta), 0) / xs.length;
    expect(meanWidth(wet)).toBeGreaterThan(meanWidth(dry.slice(100)));
    // The rides in the rain were learned at the speed of a dry street: no slowdown counted twice.
    expect(Math.abs((await rideMps()) / dryMps - 1)).toBeLessThan(0.05);
  });
});
