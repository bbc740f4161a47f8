import { placesFor } from '../modules/places/index.ts';
import type { PlatformContext } from '../platform/context.ts';
import { type CatalogSeedReport, seedCatalog } from './scale-seed.ts';
import { type SeedSpec, storeAt } from './seed-catalog.ts';
import { CITIES } from './seed-cities.ts';
import { formatUuid } from './seed-random.ts';
import { type Disc, streetNetwork, streetsOf } from './seed-streets.ts';
import { loadStreetNetwork, type StreetSeedReport } from './seed-streets-load.ts';

/**
 * The demo city: the scale generator with small numbers. Eight stores in a spiral around Berlin
 * Mitte whose zones all reach the centre, ~300 products in every aisle, stock for each, and the
 * streets and addresses of every zone. Seed 0 with the demo layout has its own id namespace, so
 * it never collides with a `seed --stores …` catalog in the same database; the streets are
 * Berlin's own network (the one `seed --city berlin` loads more of).
 */
export const DEMO_CITY: SeedSpec = { seed: 0, city: CITIES.berlin, demo: true };
export const DEMO_CITY_SIZE = { stores: 8, skus: 300 } as const;

/** The first demo store (at the centre, open around the clock); the demo store account runs it. */
export const DEMO_STORE_ID = formatUuid(storeAt(DEMO_CITY, 0).id);

export const DEMO_STREETS = streetsOf(CITIES.berlin);

/** Where the demo's streets go: the centre and every demo store's delivery zone. */
export const DEMO_STREET_REGION: readonly Disc[] = [
  { ...DEMO_CITY.city.center, radiusM: 1000 },
  ...Array.from({ length: DEMO_CITY_SIZE.stores }, (_, i) => {
    const s = storeAt(DEMO_CITY, i);
    return { lat: s.lat, lng: s.lng, radiusM: s.zoneRadiusM };
  }),
];

/**
 * Loads the demo city; a re-run adds nothing. The catalog takes well under a second on an empty
 * database, the streets (~130,000 addresses) a few seconds.
 */
export async function seedDemoCity(
  ctx: PlatformContext,
  databaseUrl: string,
): Promise<CatalogSeedReport & { streets: StreetSeedReport }> {
  const catalog = await seedCatalog(ctx, {
    ...DEMO_CITY,
    ...DEMO_CITY_SIZE,
    databaseUrl,
    jobs: 1,
    progress: false,
  });
  const streets = await loadStreetNetwork(
    databaseUrl,
    DEMO_STREETS.city,
    streetNetwork(DEMO_STREETS, DEMO_STREET_REGION),
    placesFor(ctx),
  );
  return { ...catalog, streets };
}
