import cliProgress from 'cli-progress';
import pg from 'pg';
import { catalogFor, type StoresService } from '../modules/catalog/index.ts';
import type { PlatformContext } from '../platform/context.ts';
import {
  MAX_SKUS,
  MAX_STORES,
  namespaceOf,
  productAt,
  productIdRange,
  type SeedSpec,
  type SeedStore,
  stockMeans,
  stockOnHand,
  storeAt,
  storeIdRange,
} from './seed-catalog.ts';
import { copyIn, slices, stockCopyBuffer, textArray, textRows } from './seed-copy.ts';
import { categorySeeds } from './seed-groceries.ts';
import { formatUuid, seedUuidBytes } from './seed-random.ts';

/**
 * `lastmile seed --stores N --skus N`: loads a generated catalog (see seed-catalog.ts) with COPY.
 *
 * Idempotent and resumable: every row has a deterministic id, products and stores are inserted
 * with ON CONFLICT DO NOTHING, and stock is loaded one store per transaction, so after a crash
 * a store's stock is all there or not at all. A re-run counts each store's rows of this seed's
 * products (one primary-key range scan) and skips the complete ones.
 *
 * No outbox events: this is a bulk load of reference data, not a stream of changes, and nothing
 * downstream needs to hear about it. Caches start empty in a process that boots after the seed;
 * an already running API process sees new stores when its per-cell cache entries expire (≤ 30 s).
 */
export interface CatalogSeedOptions extends SeedSpec {
  databaseUrl: string;
  stores: number;
  skus: number;
  /** Stores loaded in parallel, each on its own connection. */
  jobs?: number;
  /** Progress bar on stderr. */
  progress?: boolean;
  log?: (line: string) => void;
}

export interface CatalogSeedReport {
  city: string;
  seed: number;
  stores: number;
  skus: number;
  stock_rows: number;
  added: { categories: number; products: number; stores: number; coverage: number; stock: number };
  stores_already_complete: number;
  seconds: { products: number; stores: number; stock: number; vacuum: number; total: number };
  bytes: {
    database: number;
    stock: number;
    products: number;
    stores: number;
    store_coverage: number;
  };
}

const since = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;
const PRODUCT_COLUMNS =
  'id, sku, name, brand, category_id, category_path, price_minor, currency, weight_g, age_restricted, popularity';
const STORE_COLUMNS =
  'id, name, address, lat, lng, zone_radius_m, timezone, opening_hours, avg_prep_s';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'lastmile:seed' });
  await client.connect();
  // A lost tail of commits after a crash is harmless here: the re-run redoes those stores.
  await client.query("SET synchronous_commit = off; SET maintenance_work_mem = '256MB'");
  return client;
}

async function inTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const out = await work();
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

async function countInRange(
  client: pg.Client,
  table: 'products' | 'stores',
  [lo, hi]: [Buffer, Buffer],
): Promise<number> {
  const res = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE id BETWEEN $1 AND $2`,
    [formatUuid(lo), formatUuid(hi)],
  );
  return res.rows[0]?.n ?? 0;
}

async function seedCategories(ctx: PlatformContext): Promise<number> {
  const products = catalogFor(ctx).products;
  const existing = new Map((await products.listCategories()).map((c) => [c.id, c]));
  let added = 0;
  for (const c of categorySeeds()) {
    const have = existing.get(c.id);
    if (have && have.name === c.name && have.parent_id === c.parent_id) continue;
    await products.upsertCategory(c);
    added++;
  }
  return added;
}

async function seedProducts(client: pg.Client, opts: CatalogSeedOptions): Promise<number> {
  if ((await countInRange(client, 'products', productIdRange(opts, opts.skus))) === opts.skus)
    return 0;
  const rows = function* () {
    for (let i = 0; i < opts.skus; i++) {
      const p = productAt(opts, i);
      yield [
        formatUuid(p.id),
        p.sku,
        p.name,
        p.brand,
        p.categoryId,
        textArray(p.categoryPath),
        p.priceMinor,
        p.currency,
        p.weightG,
        p.ageRestricted,
        p.popularity,
      ];
    }
  };
  return inTransaction(client, async () => {
    await client.query(`CREATE TEMP TABLE seed_products (id uuid, sku text, name text, brand text, category_id text, category_path text[],
      price_minor int, currency char(3), weight_g int, age_restricted boolean, popularity real) ON COMMIT DROP`);
    await copyIn(client, `COPY seed_products (${PRODUCT_COLUMNS}) FROM STDIN`, textRows(rows()));
    const res = await client.query(
      `INSERT INTO products (${PRODUCT_COLUMNS}) SELECT ${PRODUCT_COLUMNS} FROM seed_products ORDER BY id ON CONFLICT DO NOTHING`,
    );
    return res.rowCount ?? 0;
  });
}

async function seedStores(
  client: pg.Client,
  opts: CatalogSeedOptions,
  stores: readonly SeedStore[],
  coverageCells: StoresService['coverageCells'],
): Promise<{ stores: number; coverage: number }> {
  if ((await countInRange(client, 'stores', storeIdRange(opts, opts.stores))) === opts.stores)
    return { stores: 0, coverage: 0 };
  return inTransaction(client, async () => {
    await client.query(`CREATE TEMP TABLE seed_stores (id uuid, name text, address text, lat float8, lng float8, zone_radius_m int,
      timezone text, opening_hours jsonb, avg_prep_s int) ON COMMIT DROP`);
    const storeRows = stores.map((s) => [
      formatUuid(s.id),
      s.name,
      s.address,
      s.lat,
      s.lng,
      s.zoneRadiusM,
      s.timezone,
      JSON.stringify(s.openingHours),
      s.avgPrepS,
    ]);
    await copyIn(client, `COPY seed_stores (${STORE_COLUMNS}) FROM STDIN`, textRows(storeRows));
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO stores (${STORE_COLUMNS}) SELECT ${STORE_COLUMNS} FROM seed_stores ORDER BY id ON CONFLICT DO NOTHING RETURNING id`,
    );
    // Coverage only for the stores inserted now: an existing store may have had its zone edited.
    const fresh = new Set(inserted.rows.map((r) => r.id));
    await client.query(
      'CREATE TEMP TABLE seed_coverage (cell bigint, store_id uuid) ON COMMIT DROP',
    );
    const cells = function* () {
      for (const s of stores) {
        const id = formatUuid(s.id);
        if (!fresh.has(id)) continue;
        for (const cell of coverageCells({ lat: s.lat, lng: s.lng, radiusM: s.zoneRadiusM }))
          yield [cell.toString(), id];
      }
    };
    await copyIn(client, 'COPY seed_coverage (cell, store_id) FROM STDIN', textRows(cells()));
    const cov = await client.query(
      'INSERT INTO store_coverage (cell, store_id) SELECT cell, store_id FROM seed_coverage ON CONFLICT DO NOTHING',
    );
    return { stores: fresh.size, coverage: cov.rowCount ?? 0 };
  });
}

/**
 * Rows each store already has of this seed's products. A store's stock is written in one
 * transaction that always includes the seed's last product, so a store holding that row is
 * complete (one index probe); only the others are counted (a primary-key range scan), which tells
 * an empty store (plain COPY) from one loaded with fewer --skus before (merge the missing rows).
 */
async function existingStock(
  client: pg.Client,
  opts: CatalogSeedOptions,
  stores: readonly SeedStore[],
): Promise<Map<string, number>> {
  const [lo, hi] = productIdRange(opts, opts.skus).map(formatUuid);
  const out = new Map<string, number>();
  for (let i = 0; i < stores.length; i += 500) {
    const ids = stores.slice(i, i + 500).map((s) => formatUuid(s.id));
    const res = await client.query<{ id: string; n: number }>(
      `SELECT s.id::text AS id,
              CASE WHEN EXISTS (SELECT 1 FROM stock k WHERE k.store_id = s.id AND k.product_id = $3) THEN $4::int
                   ELSE (SELECT count(*) FROM stock k WHERE k.store_id = s.id AND k.product_id BETWEEN $2 AND $3)::int END AS n
       FROM unnest($1::uuid[]) AS s(id)`,
      [ids, lo, hi, opts.skus],
    );
    for (const r of res.rows) out.set(r.id, r.n);
  }
  return out;
}

/** One store's stock in one transaction: straight COPY when it has none, else merge the missing rows. */
async function loadStoreStock(
  client: pg.Client,
  store: SeedStore,
  have: number,
  productIds: Buffer,
  onHand: (serial: number) => number,
): Promise<number> {
  const data = stockCopyBuffer(store.id, productIds, onHand);
  return inTransaction(client, async () => {
    if (have === 0)
      return copyIn(
        client,
        'COPY stock (store_id, product_id, on_hand) FROM STDIN (FORMAT binary)',
        slices(data),
      );
    await client.query(
      'CREATE TEMP TABLE seed_stock (store_id uuid, product_id uuid, on_hand int) ON COMMIT DROP',
    );
    await copyIn(
      client,
      'COPY seed_stock (store_id, product_id, on_hand) FROM STDIN (FORMAT binary)',
      slices(data),
    );
    const res = await client.query(
      'INSERT INTO stock (store_id, product_id, on_hand) SELECT store_id, product_id, on_hand FROM seed_stock ON CONFLICT DO NOTHING',
    );
    return res.rowCount ?? 0;
  });
}

export async function seedCatalog(
  ctx: PlatformContext,
  opts: CatalogSeedOptions,
): Promise<CatalogSeedReport> {
  if (!Number.isInteger(opts.stores) || opts.stores < 1 || opts.stores > MAX_STORES)
    throw new RangeError(`--stores must be 1–${MAX_STORES}`);
  if (!Number.isInteger(opts.skus) || opts.skus < 1 || opts.skus > MAX_SKUS)
    throw new RangeError(`--skus must be 1–${MAX_SKUS}`);
  const log = opts.log ?? (() => {});
  const ns = namespaceOf(opts);
  const t0 = performance.now();
  const main = await connect(opts.databaseUrl);
  const clients = [main];
  try {
    const categories = await seedCategories(ctx);
    let t = performance.now();
    const products = await seedProducts(main, opts);
    const productsS = since(t);
    log(`products: ${products} added of ${opts.skus} (${productsS} s)`);

    t = performance.now();
    const stores = Array.from({ length: opts.stores }, (_, i) => storeAt(opts, i));
    const storesAdded = await seedStores(main, opts, stores, catalogFor(ctx).stores.coverageCells);
    const storesS = since(t);
    log(
      `stores: ${storesAdded.stores} added of ${opts.stores}, ${storesAdded.coverage} coverage cells (${storesS} s)`,
    );

    t = performance.now();
    const have = await existingStock(main, opts, stores);
    const todo = stores.filter((s) => (have.get(formatUuid(s.id)) ?? 0) < opts.skus);
    const productIds = Buffer.concat(
      Array.from({ length: opts.skus }, (_, i) => seedUuidBytes(ns, i)),
    );
    const means = stockMeans(opts.skus);
    const bar =
      opts.progress && todo.length > 0
        ? new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format:
                'stock |{bar}| {value}/{total} stores | {rows} rows | {rate} rows/s | eta {eta_formatted}',
              noTTYOutput: true,
              notTTYSchedule: 15_000,
              etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
    let stockAdded = 0;
    bar?.start(todo.length, 0, { rows: 0, rate: 0 });
    const jobs = Math.max(1, Math.min(opts.jobs ?? 2, todo.length));
    for (let j = 1; j < jobs; j++) clients.push(await connect(opts.databaseUrl));
    let next = 0;
    await Promise.all(
      clients.slice(0, jobs).map(async (client) => {
        for (let k = next++; k < todo.length; k = next++) {
          const store = todo[k] as SeedStore;
          const added = await loadStoreStock(
            client,
            store,
            have.get(formatUuid(store.id)) ?? 0,
            productIds,
            (i) => stockOnHand(ns, store.serial, i, means),
          );
          stockAdded += added;
          bar?.increment(1, {
            rows: stockAdded.toLocaleString('en-US'),
            rate: Math.round(stockAdded / ((performance.now() - t) / 1000)).toLocaleString('en-US'),
          });
        }
      }),
    );
    bar?.stop();
    const stockS = since(t);
    log(
      `stock: ${stockAdded} rows added, ${opts.stores - todo.length} stores were complete (${stockS} s)`,
    );

    // Fresh statistics for the planner; on a big load also the visibility map (index-only scans,
    // hint bits set now rather than by the first readers).
    t = performance.now();
    if (stockAdded > 100_000) await main.query('VACUUM (ANALYZE) stock');
    else if (stockAdded > 0) await main.query('ANALYZE stock');
    if (products + storesAdded.stores > 0)
      await main.query('ANALYZE products, stores, store_coverage');
    const vacuumS = since(t);

    const sizes = await main.query<Record<string, number>>(
      `SELECT pg_database_size(current_database()) AS database, pg_total_relation_size('stock') AS stock,
              pg_total_relation_size('products') AS products, pg_total_relation_size('stores') AS stores,
              pg_total_relation_size('store_coverage') AS store_coverage`,
    );
    const b = sizes.rows[0] ?? {};
    return {
      city: opts.city.key,
      seed: opts.seed,
      stores: opts.stores,
      skus: opts.skus,
      stock_rows: opts.stores * opts.skus,
      added: {
        categories,
        products,
        stores: storesAdded.stores,
        coverage: storesAdded.coverage,
        stock: stockAdded,
      },
      stores_already_complete: opts.stores - todo.length,
      seconds: {
        products: productsS,
        stores: storesS,
        stock: stockS,
        vacuum: vacuumS,
        total: since(t0),
      },
      bytes: {
        database: b.database ?? 0,
        stock: b.stock ?? 0,
        products: b.products ?? 0,
        stores: b.stores ?? 0,
        store_coverage: b.store_coverage ?? 0,
      },
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}

const mib = (n: number) => `${(n / 1024 ** 2).toFixed(n < 1024 ** 2 * 10 ? 1 : 0)} MiB`;

export function formatSeedReport(r: CatalogSeedReport): string {
  const rate = r.seconds.stock > 0 ? Math.round(r.added.stock / r.seconds.stock) : 0;
  return [
    `seeded ${r.city} (seed ${r.seed}): ${r.stores.toLocaleString('en-US')} stores × ${r.skus.toLocaleString('en-US')} SKUs = ${r.stock_rows.toLocaleString('en-US')} stock rows`,
    `  added      ${r.added.products} products, ${r.added.stores} stores (${r.added.coverage} coverage cells), ${r.added.stock.toLocaleString('en-US')} stock rows, ${r.added.categories} categories`,
    `  skipped    ${r.stores_already_complete} stores whose stock was already complete`,
    `  time       ${r.seconds.total} s total: products ${r.seconds.products} s, stores ${r.seconds.stores} s, stock ${r.seconds.stock} s (${rate.toLocaleString('en-US')} rows/s), vacuum/analyze ${r.seconds.vacuum} s`,
    `  size       database ${mib(r.bytes.database)}; stock ${mib(r.bytes.stock)}, products ${mib(r.bytes.products)}, stores ${mib(r.bytes.stores)}, store_coverage ${mib(r.bytes.store_coverage)}`,
    '',
  ].join('\n');
}
