import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, haversineMeters } from './haversine.ts';
import type { GeoIndex, GeoPoint, GeoSearch } from './port.ts';

export interface GeoIndexFixture {
  index: GeoIndex;
  /** Runs after `index.close()`: delete whatever the fixture created. */
  cleanup(): Promise<void>;
}

/**
 * Allowed error of a reported distance or a boundary decision, metres. Redis stores positions as
 * 52-bit geohashes (≤ ~0.4 m off); the memory index is exact.
 */
const TOLERANCE_M = 1;
const BERLIN = { lat: 52.52, lng: 13.405 };
const T0 = 1_700_000_000_000;

/** The point `north` and `east` metres from `from` (flat-earth step, exact enough for a few km). */
export function offset(
  from: { lat: number; lng: number },
  north: number,
  east: number,
): { lat: number; lng: number } {
  const lat = from.lat + (north / EARTH_RADIUS_M) * (180 / Math.PI);
  const lng =
    from.lng + (east / (EARTH_RADIUS_M * Math.cos((from.lat * Math.PI) / 180))) * (180 / Math.PI);
  return { lat, lng };
}

/** Deterministic PRNG (mulberry32) so a failing random case can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function point(id: string, at: number, north: number, east: number, from = BERLIN): GeoPoint {
  return { id, at, ...offset(from, north, east) };
}

const dist = (p: { lat: number; lng: number }, q: { lat: number; lng: number }): number =>
  haversineMeters(p.lat, p.lng, q.lat, q.lng);

/** One contract, run against every GeoIndex adapter. */
export function geoIndexContract(name: string, make: () => Promise<GeoIndexFixture>): void {
  describe(`GeoIndex contract: ${name}`, () => {
    let fixture: GeoIndexFixture;
    let index: GeoIndex;

    beforeEach(async () => {
      fixture = await make();
      index = fixture.index;
    });

    afterEach(async () => {
      await index.close();
      await fixture.cleanup();
    });

    it('returns hits nearest first with haversine distances', async () => {
      const points = [
        point('far', T0, 0, 1800),
        point('near', T0, 150, 0),
        point('mid', T0, -700, 300),
        point('outside', T0, 5000, 0),
      ];
      await index.upsert(points);
      const hits = await index.search({ ...BERLIN, radiusM: 2000 });
      expect(hits.map((h) => h.id)).toEqual(['near', 'mid', 'far']);
      for (const hit of hits) {
        const original = points.find((p) => p.id === hit.id);
        if (!original) throw new Error(`unexpected hit ${hit.id}`);
        expect(Math.abs(hit.distanceM - dist(BERLIN, original))).toBeLessThanOrEqual(TOLERANCE_M);
        expect(Math.abs(dist(hit, original))).toBeLessThanOrEqual(TOLERANCE_M);
        expect(hit.at).toBe(T0);
      }
    });

    it('keeps latitude and longitude apart', async () => {
      // Swapping lat and lng anywhere (Redis wants lng first) would put these points on other continents.
      await index.upsert([
        { id: 'arabian-sea', lat: 10, lng: 50, at: T0 },
        { id: 'alps', lat: 50, lng: 10, at: T0 },
      ]);
      const hits = await index.search({ lat: 10, lng: 50, radiusM: 1000 });
      expect(hits.map((h) => h.id)).toEqual(['arabian-sea']);
      const got = await index.get('alps');
      expect(got?.lat).toBeCloseTo(50, 5);
      expect(got?.lng).toBeCloseTo(10, 5);
    });

    it('draws the radius boundary at the haversine distance', async () => {
      const inside = point('inside', T0, 0, 995);
      const outside = point('outside', T0, 0, 1005);
      const insideN = point('inside-n', T0, -996, 0);
      const outsideN = point('outside-n', T0, 1004, 0);
      // The test means what it says only if the fixtures really sit where intended.
      expect(dist(BERLIN, inside)).toBeLessThan(1000 - 3);
      expect(dist(BERLIN, outside)).toBeGreaterThan(1000 + 3);
      await index.upsert([inside, outside, insideN, outsideN]);
      const hits = await index.search({ ...BERLIN, radiusM: 1000 });
      expect(hits.map((h) => h.id).sort()).toEqual(['inside', 'inside-n']);
    });

    it('uses the same earth radius at 20 km, for the boundary and for distances', async () => {
      // 0.03 % apart (Redis's own sphere vs ours) is 5.6 m at 20 km: enough to cross a 3 m margin.
      const inside = point('inside', T0, 0, 19_997);
      const outside = point('outside', T0, 0, 20_003);
      expect(dist(BERLIN, inside)).toBeLessThan(20_000 - 2);
      expect(dist(BERLIN, outside)).toBeGreaterThan(20_000 + 2);
      await index.upsert([inside, outside]);
      const hits = await index.search({ ...BERLIN, radiusM: 20_000 });
      expect(hits.map((h) => h.id)).toEqual(['inside']);
      expect(Math.abs((hits[0]?.distanceM ?? 0) - dist(BERLIN, inside))).toBeLessThanOrEqual(
        TOLERANCE_M,
      );
    });

    it('returns at most `limit` hits, the nearest ones, and 50 by default', async () => {
      const points = Array.from({ length: 60 }, (_, i) => point(`d${i}`, T0, 10 * (i + 1), 0));
      await index.upsert(points);
      const three = await index.search({ ...BERLIN, radiusM: 5000, limit: 3 });
      expect(three.map((h) => h.id)).toEqual(['d0', 'd1', 'd2']);
      expect(await index.search({ ...BERLIN, radiusM: 5000 })).toHaveLength(50);
      expect(await index.search({ ...BERLIN, radiusM: 5000, limit: 0 })).toEqual([]);
    });

    it('leaves out points recorded before freshSince', async () => {
      await index.upsert([point('stale', T0 - 60_000, 100, 0), point('fresh', T0, 200, 0)]);
      const hits = await index.search({ ...BERLIN, radiusM: 1000, freshSince: T0 - 30_000 });
      expect(hits.map((h) => h.id)).toEqual(['fresh']);
      const edge = await index.search({ ...BERLIN, radiusM: 1000, freshSince: T0 - 60_000 });
      expect(edge.map((h) => h.id)).toEqual(['stale', 'fresh']); // freshSince itself counts as fresh
    });

    it('does not let stale points nearer the centre starve the limit', async () => {
      const stale = Array.from({ length: 40 }, (_, i) =>
        point(`stale${i}`, T0 - 600_000, 5 * (i + 1), 0),
      );
      const fresh = Array.from({ length: 5 }, (_, i) => point(`fresh${i}`, T0, 500 + 10 * i, 0));
      await index.upsert([...stale, ...fresh]);
      const hits = await index.search({
        ...BERLIN,
        radiusM: 2000,
        limit: 5,
        freshSince: T0 - 60_000,
      });
      expect(hits.map((h) => h.id)).toEqual(['fresh0', 'fresh1', 'fresh2', 'fresh3', 'fresh4']);
    });

    it('ignores an older update and applies a newer one', async () => {
      const a = point('driver', T0, 0, 0);
      const b = point('driver', T0 - 1000, 3000, 0);
      const c = point('driver', T0 + 1000, 3000, 0);
      await index.upsert([a]);
      await index.upsert([b]);
      let got = await index.get('driver');
      expect(got?.at).toBe(T0);
      expect(dist(got ?? b, a)).toBeLessThanOrEqual(TOLERANCE_M);

      await index.upsert([c]);
      got = await index.get('driver');
      expect(got?.at).toBe(T0 + 1000);
      expect(dist(got ?? a, c)).toBeLessThanOrEqual(TOLERANCE_M);
      expect(await index.search({ ...a, radiusM: 500 })).toEqual([]);
      expect((await index.search({ ...c, radiusM: 500 })).map((h) => h.id)).toEqual(['driver']);
      expect(await index.size()).toBe(1);
    });

    it('keeps the newest point when one batch holds several for an id, in any order', async () => {
      const newest = point('x', T0 + 2, 100, 0);
      await index.upsert([point('x', T0 + 1, 200, 0), newest, point('x', T0, 300, 0)]);
      const got = await index.get('x');
      expect(got?.at).toBe(T0 + 2);
      expect(dist(got ?? BERLIN, newest)).toBeLessThanOrEqual(TOLERANCE_M);
      expect(await index.size()).toBe(1);
    });

    it('gets a point by id, with odd ids round-tripping', async () => {
      const p = point('driver:ä/1 {x}', T0, 123, -456);
      await index.upsert([p]);
      const got = await index.get(p.id);
      expect(got?.id).toBe(p.id);
      expect(got?.at).toBe(T0);
      expect(dist(got ?? BERLIN, p)).toBeLessThanOrEqual(TOLERANCE_M);
      expect(await index.get('nobody')).toBeNull();
      const hits = await index.search({ ...p, radiusM: 10 });
      expect(hits.map((h) => h.id)).toEqual([p.id]);
    });

    it('removes points', async () => {
      await index.upsert([point('a', T0, 0, 0), point('b', T0, 10, 0), point('c', T0, 20, 0)]);
      await index.remove(['a', 'c', 'nobody']);
      await index.remove([]);
      expect(await index.get('a')).toBeNull();
      expect(await index.get('b')).not.toBeNull();
      expect((await index.search({ ...BERLIN, radiusM: 100 })).map((h) => h.id)).toEqual(['b']);
      expect(await index.size()).toBe(1);
    });

    it('counts distinct ids', async () => {
      expect(await index.size()).toBe(0);
      await index.upsert([point('a', T0, 0, 0), point('b', T0, 10, 0)]);
      await index.upsert([point('a', T0 + 1, 5, 0)]);
      await index.upsert([]);
      expect(await index.size()).toBe(2);
    });

    it('rejects an invalid point without writing any of its batch', async () => {
      await expect(
        index.upsert([point('ok', T0, 0, 0), { id: 'bad', lat: 91, lng: 0, at: T0 }]),
      ).rejects.toThrow();
      await expect(
        index.upsert([{ id: 'nan', lat: Number.NaN, lng: 0, at: T0 }]),
      ).rejects.toThrow();
      expect(await index.size()).toBe(0);
    });

    it('finds exactly the points a brute-force haversine scan finds, over 20k points', async () => {
      const random = seeded(20_000);
      const points: GeoPoint[] = Array.from({ length: 20_000 }, (_, i) =>
        point(
          `drv${i}`,
          T0 - Math.floor(random() * 120_000),
          (random() * 2 - 1) * 15_000,
          (random() * 2 - 1) * 15_000,
        ),
      );
      await index.upsert(points);
      expect(await index.size()).toBe(points.length);

      const queries: GeoSearch[] = [
        { ...BERLIN, radiusM: 3000 },
        { ...offset(BERLIN, 4000, -6000), radiusM: 1200 },
        { ...offset(BERLIN, -9000, 9000), radiusM: 7000 },
        { ...offset(BERLIN, 1000, 2000), radiusM: 2500, freshSince: T0 - 60_000 },
      ];
      for (const q of queries) {
        const hits = await index.search({ ...q, limit: points.length });
        const expected = new Map<string, number>();
        for (const p of points) {
          const d = dist(q, p);
          if (d <= q.radiusM && (q.freshSince === undefined || p.at >= q.freshSince))
            expected.set(p.id, d);
        }
        const got = new Set(hits.map((h) => h.id));
        expect(got.size).toBe(hits.length); // no duplicates
        const byId = new Map(points.map((p) => [p.id, p]));
        // Only points within a metre of the circle may land on the other side of it.
        const missing = [...expected.keys()].filter((id) => !got.has(id));
        const extra = [...got].filter((id) => !expected.has(id));
        for (const id of [...missing, ...extra]) {
          const p = byId.get(id);
          if (!p) throw new Error(`unknown id ${id}`);
          expect(Math.abs(dist(q, p) - q.radiusM), `${id} differs`).toBeLessThanOrEqual(
            TOLERANCE_M,
          );
        }
        expect(expected.size).toBeGreaterThan(50); // the query is not trivially empty
        for (let i = 1; i < hits.length; i++) {
          expect(hits[i]?.distanceM).toBeGreaterThanOrEqual(hits[i - 1]?.distanceM ?? 0);
        }
      }

      // With a limit, the hits are the nearest ones: their distances match the brute-force top 10.
      const nearest = [...points].map((p) => dist(BERLIN, p)).sort((a, b) => a - b);
      const top = await index.search({ ...BERLIN, radiusM: 3000, limit: 10 });
      expect(top).toHaveLength(10);
      top.forEach((hit, i) => {
        expect(Math.abs(hit.distanceM - (nearest[i] ?? Number.NaN))).toBeLessThanOrEqual(
          TOLERANCE_M,
        );
      });
    });
  });
}
