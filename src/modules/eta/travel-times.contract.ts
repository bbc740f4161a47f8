import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Traveller } from './conditions.ts';
import { distanceM, type LatLng } from './eta-math.ts';
import type { TravelTimes } from './travel-times.ts';

export interface TravelTimesFixture {
  travel: TravelTimes;
  /** Who answers the legs: the adapter itself, not a fallback. */
  source: 'straight' | 'osrm';
  close(): Promise<void>;
}

const STORE = { lat: 53.5511, lng: 9.9937 };
const T = Date.UTC(2026, 10, 23, 18, 0, 0);
/** `north` metres north and `east` metres east of `from` (flat-earth step, exact enough in a city). */
const off = (from: LatLng, north: number, east: number): LatLng => ({
  lat: from.lat + north / 111_195,
  lng: from.lng + east / (111_195 * Math.cos((from.lat * Math.PI) / 180)),
});
const TRAVELLERS: Traveller[] = ['bike', 'scooter', 'car', 'fleet'];

/** One contract, run against every travel-time adapter. */
export function travelTimesContract(name: string, make: () => Promise<TravelTimesFixture>): void {
  describe(`TravelTimes contract: ${name}`, () => {
    let f: TravelTimesFixture;
    beforeAll(async () => {
      f = await make();
    });
    afterAll(async () => {
      await f?.close();
    });

    it('answers a leg with streets at least as long as the straight line, at a city speed', async () => {
      for (const who of TRAVELLERS) {
        const to = off(STORE, 1800, 900);
        const leg = await f.travel.leg({ from: STORE, to, who, at: T });
        expect(leg.source, who).toBe(f.source);
        expect(leg.metres, who).toBeGreaterThanOrEqual(distanceM(STORE, to) * 0.99);
        // Between walking pace and a fast car in town, as the crow flies.
        const straightMps = distanceM(STORE, to) / leg.seconds;
        expect(straightMps, who).toBeGreaterThan(1);
        expect(straightMps, who).toBeLessThan(25);
      }
    });

    it('takes longer for a longer leg the same way', async () => {
      const near = await f.travel.leg({ from: STORE, to: off(STORE, 800, 0), who: 'bike', at: T });
      const far = await f.travel.leg({ from: STORE, to: off(STORE, 3000, 0), who: 'bike', at: T });
      expect(far.seconds).toBeGreaterThan(near.seconds);
      expect(far.metres).toBeGreaterThan(near.metres);
    });

    it('answers the same leg the same way, and a leg of no length with almost no time', async () => {
      const leg = { from: STORE, to: off(STORE, -1200, 700), who: 'car' as const, at: T };
      expect(await f.travel.leg(leg)).toEqual(await f.travel.leg(leg));
      const none = await f.travel.leg({ ...leg, to: STORE });
      expect(none.seconds).toBeLessThan(10);
      expect(none.seconds).toBeGreaterThanOrEqual(0);
    });

    it('has a bike take longer than a car over the same leg', async () => {
      const to = off(STORE, 2500, -1500);
      const bike = await f.travel.leg({ from: STORE, to, who: 'bike', at: T });
      const car = await f.travel.leg({ from: STORE, to, who: 'car', at: T });
      expect(bike.seconds).toBeGreaterThan(car.seconds);
    });
  });
}
