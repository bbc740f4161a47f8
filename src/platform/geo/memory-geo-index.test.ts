import { describe, expect, it } from 'vitest';
import { geoIndexContract, seeded } from './geo-index.contract.ts';
import { haversineMeters } from './haversine.ts';
import { createMemoryGeoIndex } from './memory-geo-index.ts';
import type { GeoPoint } from './port.ts';

geoIndexContract('memory', async () => ({
  index: createMemoryGeoIndex(),
  cleanup: async () => {},
}));

describe('memory geo index', () => {
  it('matches brute force anywhere on the globe, across the antimeridian and near the poles', async () => {
    // Coarse cells keep the grid path (not the scan-everything fallback) in play for wide searches.
    const index = createMemoryGeoIndex({ cellDeg: 0.5 });
    const random = seeded(7);
    const points: GeoPoint[] = [];
    for (let i = 0; i < 4000; i++) {
      // Half spread over the globe, half packed around the antimeridian and the poles.
      const hot = i % 2 === 0;
      const lat = hot ? (random() < 0.5 ? 1 : -1) * (80 + random() * 10) : random() * 180 - 90;
      const lng =
        hot && random() < 0.5
          ? random() < 0.5
            ? 179 + random()
            : -180 + random()
          : random() * 360 - 180;
      points.push({ id: `p${i}`, lat, lng, at: 0 });
    }
    await index.upsert(points);
    const centres = [
      { lat: 0, lng: 179.9 },
      { lat: -10, lng: -179.95 },
      { lat: 89.5, lng: 40 },
      { lat: -88, lng: -120 },
      { lat: 85, lng: 180 },
      { lat: 45, lng: 7 },
    ];
    for (const c of centres) {
      for (const radiusM of [50_000, 300_000, 1_500_000]) {
        const hits = await index.search({ ...c, radiusM, limit: points.length });
        const expected = points
          .filter((p) => haversineMeters(c.lat, c.lng, p.lat, p.lng) <= radiusM)
          .map((p) => p.id);
        expect(hits.map((h) => h.id).sort(), `${JSON.stringify(c)} r=${radiusM}`).toEqual(
          expected.sort(),
        );
      }
    }
    await index.close();
  });

  it('prunes points recorded before a cut-off', async () => {
    const index = createMemoryGeoIndex();
    await index.upsert([
      { id: 'old', lat: 52.52, lng: 13.4, at: 1000 },
      { id: 'edge', lat: 52.52, lng: 13.401, at: 2000 },
      { id: 'new', lat: 52.52, lng: 13.402, at: 3000 },
    ]);
    expect(await index.prune(2000)).toBe(1);
    expect(await index.size()).toBe(2);
    expect(await index.get('old')).toBeNull();
    expect((await index.search({ lat: 52.52, lng: 13.4, radiusM: 1000 })).map((h) => h.id)).toEqual(
      ['edge', 'new'],
    );
    await index.close();
  });

  it('returns copies, so callers cannot move stored points', async () => {
    const index = createMemoryGeoIndex();
    const p = { id: 'a', lat: 1, lng: 2, at: 3 };
    await index.upsert([p]);
    p.lat = 40;
    const got = await index.get('a');
    if (got) got.lng = 100;
    expect(await index.get('a')).toEqual({ id: 'a', lat: 1, lng: 2, at: 3 });
    await index.close();
  });
});
