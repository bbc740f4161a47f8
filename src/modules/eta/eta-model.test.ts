import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { distanceM, type LatLng } from './eta-math.ts';
import { checkoutEta, type Lookup, wholeMinutes, ZONE_RES, zoneOf } from './eta-model.ts';
import { memoryStats, seeded, timelineOf } from '../../../test/support/eta-memory.ts';

// A deterministic generator, so the test is the same every run.
const { rand, normal } = seeded(2024);

const STORE = { lat: 53.55, lng: 9.99 };
/** Two zones' centres (H3 cells of the zone resolution) about 2.5 km from the store, either side. */
const centreOf = (p: LatLng): LatLng => {
  const [lat, lng] = cellToLatLng(latLngToCell(p.lat, p.lng, ZONE_RES));
  return { lat, lng };
};
const ZONE_A = centreOf({ lat: 53.572, lng: 9.99 });
const ZONE_B = centreOf({ lat: 53.528, lng: 9.99 });
/** Ride speed along the straight line in each zone (m/s): A's streets are slow, B's fast. */
const SPEED = new Map([
  [zoneOf(ZONE_A), 3],
  [zoneOf(ZONE_B), 6],
]);
const T0 = Date.UTC(2026, 10, 23, 18, 0, 0);

/** A door within 300 m of a zone's centre (well inside its cell). */
const doorIn = (c: LatLng): LatLng => ({
  lat: c.lat + ((rand() - 0.5) * 600) / 111_195,
  lng: c.lng + ((rand() - 0.5) * 600) / 66_000,
});

/**
 * One order's way as it really goes: accept 20 s, preparation 120 s, the bag waiting 30 s for its
 * courier, the ride at the zone's speed (±10 % by rider), the handover 60 s, each with noise of a
 * known spread (about 90 s over the whole way).
 */
function outcome(door: LatLng) {
  const speed = (SPEED.get(zoneOf(door)) as number) * (0.9 + 0.2 * rand());
  return {
    accept: 20 + 8 * normal(),
    // Log-normal, mean 120 s, about 60 s spread.
    prep: 120 * Math.exp(0.5 * normal() - 0.125),
    // Exponential, mean 30 s: mostly a short wait, sometimes a long one.
    lag: -Math.log(1 - rand()) * 30,
    ride: distanceM(STORE, door) / speed,
    handover: 60 + 20 * normal(),
  };
}
const total = (o: ReturnType<typeof outcome>) => o.accept + o.prep + o.lag + o.ride + o.handover;
/** The expected duration to a door: the parts' means, the ride at the zone's mean pace. */
const expectedS = (door: LatLng) => {
  const v = SPEED.get(zoneOf(door)) as number;
  // E[1/U(0.9v, 1.1v)] = ln(1.1/0.9) / (0.2 v).
  return 20 + 120 + 30 + (distanceM(STORE, door) * Math.log(1.1 / 0.9)) / (0.2 * v) + 60;
};

const input = (now: number, door: LatLng, storeId = 'store-1', defaultPrepS = 300) => ({
  now,
  storeId,
  store: STORE,
  dropoff: door,
  defaultPrepS,
  streetSpeedMps: 5.5,
  backlog: null,
});

describe('checkout ETA learned from delivered orders', () => {
  const stats = memoryStats();
  const zones = [ZONE_A, ZONE_B];
  // 400 orders to doors in either zone to learn from, one every 5 s.
  let at = T0;
  for (let i = 0; i < 400; i++, at += 5000) {
    const door = doorIn(zones[i % 2] as LatLng);
    stats.deliver(
      timelineOf({ storeId: 'store-1', store: STORE, dropoff: door }, at, outcome(door)),
    );
  }
  // Then 1,000 more, each promised its ETA and window at checkout before it goes and teaches.
  const promised = Array.from({ length: 1000 }, (_, i) => {
    const door = doorIn(zones[i % 2] as LatLng);
    const eta = checkoutEta(stats.look, input(at, door));
    const o = outcome(door);
    stats.deliver(timelineOf({ storeId: 'store-1', store: STORE, dropoff: door }, at, o));
    const p = { zone: i % 2, door, now: at, eta, arrives: at + total(o) * 1000 };
    at += 5000;
    return p;
  });
  const now = at;

  it('promises each zone its own expected time, within a few seconds of the truth', () => {
    for (const z of [0, 1]) {
      const off = promised
        .filter((p) => p.zone === z)
        .map((p) => (p.eta.at - p.now) / 1000 - expectedS(p.door));
      const mean = off.reduce((a, b) => a + b, 0) / off.length;
      const rms = Math.sqrt(off.reduce((a, b) => a + b * b, 0) / off.length);
      // Unbiased, and each promise within about half a minute of the expected time.
      expect(Math.abs(mean), `zone ${z}: mean offset`).toBeLessThan(15);
      expect(rms, `zone ${z}: rms offset`).toBeLessThan(35);
    }
    for (const zone of zones) {
      const eta = checkoutEta(stats.look, input(now, zone));
      expect(Math.abs(eta.parts.accept_s - 20)).toBeLessThan(5);
      expect(Math.abs(eta.parts.prep_s - 120)).toBeLessThan(20);
      expect(Math.abs(eta.parts.pickup_lag_s - 30)).toBeLessThan(10);
      expect(Math.abs(eta.parts.handover_s - 60)).toBeLessThan(10);
    }
    // A's streets are half as fast: the same distance takes twice as long.
    const a = checkoutEta(stats.look, input(now, ZONE_A)).parts.ride_s;
    const b = checkoutEta(stats.look, input(now, ZONE_B)).parts.ride_s;
    const ratio = a / distanceM(STORE, ZONE_A) / (b / distanceM(STORE, ZONE_B));
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });

  it('promises windows narrower than 10 min that held at least 90 % of the outcomes', () => {
    const inside = promised.filter((p) => p.arrives >= p.eta.from && p.arrives <= p.eta.to);
    expect(inside.length / promised.length).toBeGreaterThanOrEqual(0.9);
    for (const p of promised) {
      expect(p.eta.to - p.eta.from).toBeLessThan(10 * 60_000);
      expect(p.eta.at).toBeGreaterThan(p.eta.from);
      expect(p.eta.at).toBeLessThan(p.eta.to);
    }
  });

  it("starts a brand-new store from the fleet's waits and its own configured preparation", () => {
    const eta = checkoutEta(stats.look, input(now, ZONE_B, 'store-new', 200));
    expect(eta.parts.prep_s).toBe(200);
    expect(Math.abs(eta.parts.accept_s - 20)).toBeLessThan(5);
    expect(Math.abs(eta.parts.pickup_lag_s - 30)).toBeLessThan(8);
    const s = (eta.at - now) / 1000;
    expect(Math.abs(s - (expectedS(ZONE_B) + 80))).toBeLessThan(40);
  });

  it('with nothing learned yet adds the priors: the configured preparation, the planning speed', () => {
    const empty: Lookup = () => null;
    const eta = checkoutEta(empty, input(now, ZONE_A, 'store-new', 600));
    // 60 s accept + 600 s + 60 s pickup + ride at 5.5 m/s over a 1.3 detour + 120 s at the door.
    const ride = (distanceM(STORE, ZONE_A) * 1.3) / 5.5;
    expect((eta.at - now) / 1000).toBeCloseTo(60 + 600 + 60 + ride + 120, 0);
    expect(eta.from).toBeLessThan(eta.at);
    expect(eta.to).toBeGreaterThan(eta.at);
  });
});

describe('checkout ETA from a cold start', () => {
  it("learns its error only from a warm model: the first orders' misses do not skew it after", () => {
    // A store far slower to configure than it is (10 min configured, 2 min real): the first
    // orders arrive minutes before the priors said, until the parts are learned.
    const stats = memoryStats();
    const offsets: number[] = [];
    for (let i = 0, at = T0; i < 500; i++, at += 5000) {
      // Learned once delivered, as tracking hands the parts over: minutes after the promise.
      stats.learnUntil(at);
      const door = doorIn(i % 2 === 0 ? ZONE_A : ZONE_B);
      const eta = checkoutEta(stats.look, input(at, door, 'store-1', 600));
      offsets.push((eta.at - at) / 1000 - expectedS(door));
      stats.deliverLater({
        ...timelineOf({ storeId: 'store-1', store: STORE, dropoff: door }, at, outcome(door)),
        defaultPrepS: 600,
      });
    }
    // While it learns, the promise comes down from the priors and never falls more than 2 min
    // below the truth (a warm model's error is not learned from the misses of a cold one: they
    // put it 6 min below; what is left is the first deliveries being the quick ones), then holds.
    const block = (k: number) => offsets.slice(k, k + 25).reduce((x, y) => x + y, 0) / 25;
    for (let k = 0; k < 500; k += 25) expect(block(k), `orders ${k}…`).toBeGreaterThan(-120);
    const warm = offsets.slice(250);
    const mean = warm.reduce((x, y) => x + y, 0) / warm.length;
    expect(Math.abs(mean), `mean offset ${mean} s`).toBeLessThan(20);
  });
});

describe('the promised window', () => {
  const now = Date.UTC(2026, 10, 23, 18, 3, 27);
  it('rounds outwards to whole minutes of the clock and labels them from now', () => {
    const w = wholeMinutes(now, now + 17.5 * 60_000, now + 24.2 * 60_000);
    expect(new Date(w.from).toISOString()).toBe('2026-11-23T18:20:00.000Z');
    expect(new Date(w.to).toISOString()).toBe('2026-11-23T18:28:00.000Z');
    expect(w.label).toBe('17–25 min');
  });

  it('is at least 4 min wide, around the same middle', () => {
    const w = wholeMinutes(now, now + 20 * 60_000, now + 20.5 * 60_000);
    expect(w.to - w.from).toBe(4 * 60_000);
    expect(w.from).toBeLessThanOrEqual(now + 20 * 60_000);
    expect(w.to).toBeGreaterThanOrEqual(now + 20.5 * 60_000);
  });

  it('never starts before the next minute', () => {
    const w = wholeMinutes(now, now - 5 * 60_000, now + 8 * 60_000);
    expect(new Date(w.from).toISOString()).toBe('2026-11-23T18:04:00.000Z');
  });
});
