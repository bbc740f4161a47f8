import type { PlatformContext } from '../platform/context.ts';
import { type CatalogSeedReport, seedCatalog } from './scale-seed.ts';
import { type SeedSpec, storeAt } from './seed-catalog.ts';
import { CITIES } from './seed-cities.ts';
import { formatUuid } from './seed-random.ts';

/**
 * The demo city: the scale generator with small numbers. Eight stores in a spiral around Berlin
 * Mitte whose zones all reach the centre, ~300 products in every aisle, stock for each. Seed 0
 * with the demo layout has its own id namespace, so it never collides with a `seed --stores …`
 * catalog in the same database.
 */
export const DEMO_CITY: SeedSpec = { seed: 0, city: CITIES.berlin, demo: true };
export const DEMO_CITY_SIZE = { stores: 8, skus: 300 } as const;

/** The first demo store (at the centre, open around the clock); the demo store account runs it. */
export const DEMO_STORE_ID = formatUuid(storeAt(DEMO_CITY, 0).id);

/** Loads the demo city; a re-run adds nothing. Takes well under a second on an empty database. */
export function seedDemoCity(
  ctx: PlatformContext,
  databaseUrl: string,
): Promise<CatalogSeedReport> {
  return seedCatalog(ctx, {
    ...DEMO_CITY,
    ...DEMO_CITY_SIZE,
    databaseUrl,
    jobs: 1,
    progress: false,
  });
}
