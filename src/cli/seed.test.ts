import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { placesFor } from '../modules/places/index.ts';
import { haversineMeters } from '../platform/geo/haversine.ts';
import { DEMO_CITY, DEMO_CITY_SIZE, DEMO_STORE_ID, seedDemoCity } from './demo-city.ts';
import { seedCatalog } from './scale-seed.ts';
import {
  namespaceOf,
  OUT_OF_STOCK_SHARE,
  productAt,
  type SeedSpec,
  stockMeans,
  stockOnHand,
  storeAt,
} from './seed-catalog.ts';
import { CITIES } from './seed-cities.ts';
import { formatUuid } from './seed-random.ts';
import { streetNetwork, streetsOf } from './seed-streets.ts';
import { loadStreetNetwork } from './seed-streets-load.ts';

const BERLIN: SeedSpec = { seed: 1, city: CITIES.berlin };

describe('catalog generator', () => {
  it('is deterministic and does not depend on how many rows are generated', () => {
    expect(productAt(BERLIN, 42)).toEqual(productAt(BERLIN, 42));
    expect(storeAt(BERLIN, 7)).toEqual(storeAt(BERLIN, 7));
    expect(productAt(BERLIN, 42).id).not.toEqual(productAt({ ...BERLIN, seed: 2 }, 42).id);
    expect(productAt(BERLIN, 42).id).not.toEqual(
      productAt({ seed: 1, city: CITIES.london }, 42).id,
    );
  });

  it('makes UUIDv8 ids that sort in serial order within a seed', () => {
    const ids = Array.from({ length: 300 }, (_, i) => formatUuid(productAt(BERLIN, i).id));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 20))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Stores live in the same namespace after every product.
    expect(formatUuid(storeAt(BERLIN, 0).id) > (ids.at(-1) ?? '')).toBe(true);
  });

  it('prices in the city currency, shop-style, with demand falling off', () => {
    const products = Array.from({ length: 500 }, (_, i) =>
      productAt({ seed: 1, city: CITIES.nyc }, i),
    );
    for (const p of products) {
      expect(p.currency).toBe('USD');
      expect(p.priceMinor % 10).toBe(9);
      expect(p.sku).toMatch(/^[A-Za-z0-9._-]+$/);
    }
    expect(products[0]?.popularity).toBeGreaterThan(products[499]?.popularity ?? Infinity);
    expect(new Set(products.map((p) => p.categoryPath[0])).size).toBeGreaterThanOrEqual(10);
    expect(
      products.filter((p) => p.ageRestricted).every((p) => p.categoryPath[0] === 'alcohol'),
    ).toBe(true);
  });

  it('leaves about 8 % of stock at zero and stocks best-sellers deeper', () => {
    const ns = namespaceOf(BERLIN);
    const means = stockMeans(5000);
    let zero = 0;
    let top = 0;
    let tail = 0;
    for (let store = 0; store < 20; store++) {
      for (let p = 0; p < 5000; p++) {
        const q = stockOnHand(ns, store, p, means);
        if (q === 0) zero++;
        if (p < 50) top += q;
        if (p >= 4950) tail += q;
      }
    }
    expect(zero / 100_000).toBeCloseTo(OUT_OF_STOCK_SHARE, 2);
    expect(top).toBeGreaterThan(tail * 5);
  });
});

describe('seedCatalog against Postgres', () => {
  let t: TestPlatform;
  const spec: SeedSpec = { seed: 9, city: CITIES.london };
  const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
    (await query.execute(t.platform.ctx.db)).rows[0]?.n;
  const stockRows = () => count(sql<{ n: number }>`SELECT count(*)::int AS n FROM stock`);

  beforeAll(async () => {
    t = await startTestPlatform({ workflows: false });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('loads stores, coverage, products and stock, and a re-run adds nothing', async () => {
    const first = await seedCatalog(t.platform.ctx, {
      ...spec,
      databaseUrl: t.db.url,
      stores: 3,
      skus: 40,
    });
    expect(first.added).toMatchObject({ products: 40, stores: 3, stock: 120 });
    expect(first.added.coverage).toBeGreaterThan(3 * 20);
    expect(await stockRows()).toBe(120);
    expect(await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox`)).toBe(0);
    const again = await seedCatalog(t.platform.ctx, {
      ...spec,
      databaseUrl: t.db.url,
      stores: 3,
      skus: 40,
    });
    expect(again.added).toEqual({ categories: 0, products: 0, stores: 0, coverage: 0, stock: 0 });
    expect(again.stores_already_complete).toBe(3);
  });

  it('resumes: refills a store whose stock is missing and merges a larger catalog', async () => {
    const lost = formatUuid(storeAt(spec, 1).id);
    await sql`DELETE FROM stock WHERE store_id = ${lost}`.execute(t.platform.ctx.db);
    const resumed = await seedCatalog(t.platform.ctx, {
      ...spec,
      databaseUrl: t.db.url,
      stores: 3,
      skus: 40,
    });
    expect(resumed.added.stock).toBe(40);
    expect(resumed.stores_already_complete).toBe(2);
    const grown = await seedCatalog(t.platform.ctx, {
      ...spec,
      databaseUrl: t.db.url,
      stores: 4,
      skus: 50,
    });
    expect(grown.added).toMatchObject({ products: 10, stores: 1, stock: 3 * 10 + 50 });
    expect(await stockRows()).toBe(200);
  });

  it('makes a demo city whose centre is served, whose first store has products, with its streets', async () => {
    const report = await seedDemoCity(t.platform.ctx, t.db.url);
    expect(report.added).toMatchObject({
      stores: DEMO_CITY_SIZE.stores,
      products: DEMO_CITY_SIZE.skus,
    });
    expect(report.streets.skipped).toBeNull();
    expect(report.streets.added).toEqual({
      streets: report.streets.streets,
      addresses: report.streets.addresses,
    });
    expect(report.streets.addresses).toBeGreaterThan(50_000);
    const { lat, lng } = DEMO_CITY.city.center;
    const nearby = await t.request({
      method: 'GET',
      url: `/v1/stores/nearby?lat=${lat}&lng=${lng}`,
    });
    expect(nearby.statusCode).toBe(200);
    expect((nearby.json().items as Array<{ id: string }>).map((s) => s.id)).toContain(
      DEMO_STORE_ID,
    );
    const page = await t.request({
      method: 'GET',
      url: `/v1/stores/${DEMO_STORE_ID}/products?limit=5`,
    });
    expect(page.statusCode).toBe(200);
    expect(page.json().items).toHaveLength(5);
    expect(page.json().items[0].product.price.currency).toBe('EUR');
    const found = await t.request({
      method: 'GET',
      url: `/v1/places/search?q=${encodeURIComponent('torstr 1')}&lat=${lat}&lng=${lng}`,
    });
    const tor1 = found.json().items[0];
    expect(tor1.label).toMatch(/^Torstraße 1, 1\d{4} Berlin$/);
    expect(haversineMeters(lat, lng, tor1.lat, tor1.lng)).toBeLessThan(60);
    const again = await seedDemoCity(t.platform.ctx, t.db.url);
    expect(again.streets.skipped).toBe('complete');
    expect(again.added).toMatchObject({ stores: 0, products: 0, stock: 0 });
    // The city is listed as served, opening on its own centre, with the demo's stores.
    const berlin = (await placesFor(t.platform.ctx).cities()).find((c) => c.key === 'berlin');
    expect(berlin).toMatchObject({
      name: 'Berlin',
      center: { lat, lng },
      streets: report.streets.streets,
      addresses: report.streets.addresses,
    });
    expect(berlin?.stores).toBeGreaterThanOrEqual(DEMO_CITY_SIZE.stores);
  });

  it('adds only the streets another region has beyond the demo, and leaves an imported city alone', async () => {
    // 7 km east of the centre, partly inside the demo's zones.
    const east = streetNetwork(streetsOf(CITIES.berlin), [
      { lat: 52.52, lng: 13.51, radiusM: 1500 },
    ]);
    const first = await loadStreetNetwork(t.db.url, CITIES.berlin, east, placesFor(t.platform.ctx));
    expect(first.added.streets).toBeGreaterThan(0);
    expect(first.added.streets).toBeLessThan(east.streets.length);
    const again = await loadStreetNetwork(t.db.url, CITIES.berlin, east, placesFor(t.platform.ctx));
    expect(again.skipped).toBe('complete');
    const cities = () => placesFor(t.platform.ctx).cities();
    const berlin = (await cities()).find((c) => c.key === 'berlin');
    expect(berlin?.bbox.east).toBeGreaterThan(13.51);
    expect(berlin?.center).toEqual({ lat: 52.52, lng: 13.405 });
    const hamburg = streetNetwork(streetsOf(CITIES.hamburg), [
      { ...CITIES.hamburg.center, radiusM: 500 },
    ]);
    await placesFor(t.platform.ctx).importCity(
      { key: 'hamburg', name: 'Hamburg', style: 'de' },
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { name: 'Jungfernstieg', class: 'arterial' },
            geometry: {
              type: 'LineString',
              coordinates: [
                [9.99, 53.55],
                [9.995, 53.552],
              ],
            },
          },
        ],
      },
    );
    expect(
      (await loadStreetNetwork(t.db.url, CITIES.hamburg, hamburg, placesFor(t.platform.ctx)))
        .skipped,
    ).toBe('imported');
    // The imported city keeps its own entry: one street, no addresses (no centre given: its box's).
    expect((await cities()).find((c) => c.key === 'hamburg')).toMatchObject({
      name: 'Hamburg',
      center: { lat: 53.551, lng: 9.9925 },
      bbox: { west: 9.99, south: 53.55, east: 9.995, north: 53.552 },
      streets: 1,
      addresses: 0,
    });
  });
});
