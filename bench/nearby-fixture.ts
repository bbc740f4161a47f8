import path from 'node:path';
import pg from 'pg';
import { type SeedSpec, pointInCity, storeAt } from '../src/cli/seed-catalog.ts';
import { createLastmileClient, unwrap } from '../src/client/index.ts';
import { AISLES, COMMON_SEARCH_WORDS } from '../src/cli/seed-groceries.ts';
import { formatUuid, pick, type Rng } from '../src/cli/seed-random.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { haversineMeters } from '../src/platform/geo/haversine.ts';
import { BENCH_DIR } from './result.ts';

/**
 * The nearby benchmark's own database, kept between runs so the 50M-row catalog is seeded once:
 * a database on the DATABASE_URL server when that is set, else embedded Postgres with its data in
 * `.lastmile/bench-nearby` (never the dev instance's `.lastmile/pg`).
 */
export async function benchDatabase(
  name: string,
): Promise<{ url: string; where: string; stop: () => Promise<void> }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const admin = new pg.Client({ connectionString: external, application_name: 'lastmile:bench' });
    await admin.connect();
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(external);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      where: `database ${name} on the DATABASE_URL server`,
      stop: async () => {},
    };
  }
  const dir = path.join(BENCH_DIR, '..', '.lastmile', 'bench-nearby');
  const embedded = await startEmbeddedPostgres(dir, { database: name });
  return {
    url: embedded.url,
    where: `embedded Postgres in ${path.relative(process.cwd(), dir)}, database ${name}`,
    stop: embedded.stop,
  };
}

/**
 * Counts the SQL statements the platform's pool sends. Every query of the app goes through
 * `pg.Client#query` on a pooled client (Kysely's pg driver calls it once per statement, BEGIN and
 * COMMIT included), so the prototype is wrapped once and calls are counted for clients whose
 * application_name is the platform's. The seed's clients, DBOS's own pool and the benchmark's
 * fetches are other names and are not counted. Background work on the same pool (the outbox
 * relay's poll) is measured while idle and subtracted per second of load.
 */
export function statementCounter(applicationName: string): {
  read: () => number;
  restore: () => void;
} {
  type Query = (this: pg.Client, ...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  const original = proto.query;
  let count = 0;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const params = (this as unknown as { connectionParameters?: { application_name?: string } })
      .connectionParameters;
    if (params?.application_name === applicationName) count++;
    return original.apply(this, args);
  };
  return {
    read: () => count,
    restore: () => {
      proto.query = original;
    },
  };
}

const coords = (p: { lat: number; lng: number }) =>
  `lat=${p.lat.toFixed(5)}&lng=${p.lng.toFixed(5)}`;

/** Customer points spread over the city like its people: where stores cluster too. */
export const nearbyPaths = (spec: SeedSpec, n: number, rng: Rng): string[] =>
  Array.from({ length: n }, () => `/v1/stores/nearby?${coords(pointInCity(spec.city, rng))}`);

export const searchPaths = (spec: SeedSpec, n: number, rng: Rng): string[] =>
  Array.from(
    { length: n },
    () =>
      `/v1/search?${coords(pointInCity(spec.city, rng))}&q=${encodeURIComponent(pick(rng, COMMON_SEARCH_WORDS))}`,
  );

export const storeIds = (spec: SeedSpec, stores: number): string[] =>
  Array.from({ length: stores }, (_, i) => formatUuid(storeAt(spec, i).id));

const CATEGORY_IDS = AISLES.flatMap((a) => [a.id, ...a.shelves.map((s) => s.id)]);

/**
 * Store pages: half a store's first page, three in ten filtered by an aisle or a shelf, two in ten
 * a second page (the cursor is fetched from the server first, as a client scrolling would).
 */
export async function productPaths(
  baseUrl: string,
  ids: readonly string[],
  n: number,
  rng: Rng,
): Promise<string[]> {
  const out: string[] = [];
  const scrolls: Array<{ id: string; category?: string }> = [];
  const pathOf = (p: { id: string; category?: string }) =>
    `/v1/stores/${p.id}/products${p.category ? `?category=${p.category}` : ''}`;
  for (let i = 0; i < n; i++) {
    const id = pick(rng, ids);
    const u = rng();
    const category = pick(rng, CATEGORY_IDS);
    if (u < 0.5) out.push(pathOf({ id }));
    else if (u < 0.8) out.push(pathOf({ id, category }));
    else scrolls.push(rng() < 0.5 ? { id } : { id, category });
  }
  const api = createLastmileClient({ baseUrl });
  for (let i = 0; i < scrolls.length; i += 8) {
    const batch = scrolls.slice(i, i + 8);
    const pages = await Promise.all(
      batch.map(async (p) => {
        const query = p.category ? { category: p.category } : {};
        const page = await unwrap(
          api.GET('/v1/stores/{id}/products', { params: { path: { id: p.id }, query } }),
        );
        const path = pathOf(p);
        return page.next_cursor
          ? `${path}${p.category ? '&' : '?'}cursor=${encodeURIComponent(page.next_cursor)}`
          : path;
      }),
    );
    out.push(...pages);
  }
  return out;
}

/** How many stores' zones cover a customer point (median over `n` points): the nearby list's length. */
export function coveringStoresMedian(spec: SeedSpec, stores: number, n: number, rng: Rng): number {
  const all = Array.from({ length: stores }, (_, i) => storeAt(spec, i));
  const counts = Array.from({ length: n }, () => {
    const p = pointInCity(spec.city, rng);
    return all.filter((s) => haversineMeters(s.lat, s.lng, p.lat, p.lng) <= s.zoneRadiusM).length;
  }).sort((a, b) => a - b);
  return counts[Math.floor(n / 2)] ?? 0;
}
