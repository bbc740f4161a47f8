import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { DEMO_CITY, DEMO_CITY_SIZE } from '../../cli/demo-city.ts';
import { seedCatalog } from '../../cli/scale-seed.ts';
import { storeAt } from '../../cli/seed-catalog.ts';
import { formatUuid } from '../../cli/seed-random.ts';
import { haversineMeters } from '../../platform/geo/haversine.ts';
import { pointInPolygon } from './coverage.ts';

type Ring = Array<[number, number]>;
interface Zone {
  type: 'Feature';
  properties: { store_id: string; name: string; status: string };
  geometry: { type: 'MultiPolygon'; coordinates: Ring[][] };
}

let t: TestPlatform;
const demoStores = Array.from({ length: DEMO_CITY_SIZE.stores }, (_, i) => storeAt(DEMO_CITY, i));

beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
  // The demo city's stores and zones (a catalog of one product is enough for the map).
  await seedCatalog(t.platform.ctx, {
    ...DEMO_CITY,
    stores: DEMO_CITY_SIZE.stores,
    skus: 1,
    databaseUrl: t.db.url,
  });
});
afterAll(async () => {
  await t?.stop();
});

const zones = async (bbox: string) => {
  const res = await t.request({ method: 'GET', url: `/v1/map/zones?bbox=${bbox}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  return res.json() as { type: string; features: Zone[] };
};

/** Inside the outer ring of one of the polygons (rings are [lng, lat]; pointInPolygon takes [lat, lng]). */
const covers = (z: Zone, lat: number, lng: number) =>
  z.geometry.coordinates.some((polygon) =>
    pointInPolygon(
      lat,
      lng,
      (polygon[0] as Ring).map(([x, y]) => [y, x]),
    ),
  );

describe('delivery zones for the map', () => {
  it('draws every demo store whose zone touches the centre, each around its store', async () => {
    const body = await zones('13.40,52.515,13.41,52.525');
    expect(body.type).toBe('FeatureCollection');
    const ids = demoStores.map((s) => formatUuid(s.id));
    expect(body.features.map((f) => f.properties.store_id).sort()).toEqual([...ids].sort());
    for (const s of demoStores) {
      const z = body.features.find((f) => f.properties.store_id === formatUuid(s.id)) as Zone;
      expect(z.properties).toEqual({ store_id: formatUuid(s.id), name: s.name, status: 'open' });
      expect(z.geometry.type).toBe('MultiPolygon');
      const ring = z.geometry.coordinates[0]?.[0] as Ring;
      expect(ring[0]).toEqual(ring.at(-1));
      // [lng, lat]: the store's own point and the centre are inside; a point beyond the zone is not.
      expect(covers(z, s.lat, s.lng)).toBe(true);
      expect(covers(z, DEMO_CITY.city.center.lat, DEMO_CITY.city.center.lng)).toBe(true);
      const beyond = (s.zoneRadiusM + 1500) / 111_195;
      expect(covers(z, s.lat + beyond, s.lng)).toBe(false);
      for (const [lng, lat] of ring)
        expect(haversineMeters(s.lat, s.lng, lat, lng)).toBeLessThan(s.zoneRadiusM + 1200);
    }
  });

  it('leaves out stores whose coverage is far from the box, and answers the same polygons again', async () => {
    expect((await zones('13.0,52.3,13.05,52.33')).features).toEqual([]);
    // 4 km east of the centre: the zones reaching that far, not the others.
    const east = await zones('13.458,52.508,13.462,52.512');
    const drawn = new Set(east.features.map((f) => f.properties.store_id));
    const reach = (s: (typeof demoStores)[number]) =>
      haversineMeters(s.lat, s.lng, 52.51, 13.46) - s.zoneRadiusM;
    const inside = demoStores.filter((s) => reach(s) < -1000);
    const outside = demoStores.filter((s) => reach(s) > 2000);
    expect(inside.length).toBeGreaterThan(0);
    expect(outside.length).toBeGreaterThan(0);
    for (const s of inside) expect(drawn.has(formatUuid(s.id))).toBe(true);
    for (const s of outside) expect(drawn.has(formatUuid(s.id))).toBe(false);
    const again = await zones('13.458,52.508,13.462,52.512');
    expect(again).toEqual(east);
  });

  it('refuses a bad box with 422 naming bbox', async () => {
    for (const bbox of ['13.0,52.0,13.5,52.5', '13.41,52.5,13.40,52.51', 'x,y,z,w']) {
      const res = await t.request({ method: 'GET', url: `/v1/map/zones?bbox=${bbox}` });
      expect(res.statusCode, bbox).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'UNPROCESSABLE',
        errors: [{ path: 'querystring.bbox' }],
      });
    }
  });
});
