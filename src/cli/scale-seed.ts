import cliProgress from 'cli-progress';
import type pg from 'pg';
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
import {
  connectSeed,
  countInRange,
  existingStock,
  insertProducts,
  insertStores,
  loadStoreStock,
  refreshStatistics,
  tableSizes,
} from './scale-seed.repository.ts';
import { stockCopyBuffer, textArray } from './seed-copy.ts';
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

const idRange = ([lo, hi]: [Buffer, Buffer]): [string, string] => [formatUuid(lo), formatUuid(hi)];

async function seedProducts(client: pg.Client, opts: CatalogSeedOptions): Promise<number> {
  if (
    (await countInRange(client, 'products', idRange(productIdRange(opts, opts.skus)))) === opts.skus
  )
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
  return insertProducts(client, rows());
}

async function seedStores(
  client: pg.Client,
  opts: CatalogSeedOptions,
  stores: readonly SeedStore[],
  coverageCells: StoresService['coverageCells'],
): Promise<{ stores: number; coverage: number }> {
  if (
    (await countInRange(client, 'stores', idRange(storeIdRange(opts, opts.stores)))) === opts.stores
  )
    return { stores: 0, coverage: 0 };
  const rows = stores.map((s) => [
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
  return insertStores(client, rows, function* (inserted) {
    for (const s of stores) {
      const id = formatUuid(s.id);
      if (!inserted.has(id)) continue;
      for (const cell of coverageCells({ lat: s.lat, lng: s.lng, radiusM: s.zoneRadiusM }))
        yield [cell.toString(), id];
    }
  });
}

function progressBar(opts: CatalogSeedOptions, stores: number) {
  if (!opts.progress || stores === 0) return null;
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        'stock |{bar}| {value}/{total} stores | {rows} rows | {rate} rows/s | eta {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 15_000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
}

/**
 * Stock of every store not yet complete, a store per transaction, `opts.jobs` stores at a time
 * (each on its own connection, the first being `main`). Returns the rows added and the stores
 * that were complete already.
 */
async function seedStock(
  main: pg.Client,
  clients: pg.Client[],
  opts: CatalogSeedOptions,
  stores: readonly SeedStore[],
): Promise<{ added: number; complete: number }> {
  const t = performance.now();
  const ns = namespaceOf(opts);
  const range = idRange(productIdRange(opts, opts.skus));
  const have = await existingStock(
    main,
    stores.map((s) => formatUuid(s.id)),
    range,
    opts.skus,
  );
  const todo = stores.filter((s) => (have.get(formatUuid(s.id)) ?? 0) < opts.skus);
  const productIds = Buffer.concat(
    Array.from({ length: opts.skus }, (_, i) => seedUuidBytes(ns, i)),
  );
  const means = stockMeans(opts.skus);
  const bar = progressBar(opts, todo.length);
  let added = 0;
  bar?.start(todo.length, 0, { rows: 0, rate: 0 });
  const jobs = Math.max(1, Math.min(opts.jobs ?? 2, todo.length));
  for (let j = 1; j < jobs; j++) clients.push(await connectSeed(opts.databaseUrl));
  let next = 0;
  await Promise.all(
    clients.slice(0, jobs).map(async (client) => {
      for (let k = next++; k < todo.length; k = next++) {
        const store = todo[k] as SeedStore;
        const data = stockCopyBuffer(store.id, productIds, (i) =>
          stockOnHand(ns, store.serial, i, means),
        );
        // Read `added` only after the await: the jobs add to it concurrently.
        const rows = await loadStoreStock(client, data, have.get(formatUuid(store.id)) ?? 0);
        added += rows;
        bar?.increment(1, {
          rows: added.toLocaleString('en-US'),
          rate: Math.round(added / ((performance.now() - t) / 1000)).toLocaleString('en-US'),
        });
      }
    }),
  );
  bar?.stop();
  return { added, complete: stores.length - todo.length };
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
  const t0 = performance.now();
  const main = await connectSeed(opts.databaseUrl);
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
    const stock = await seedStock(main, clients, opts, stores);
    const stockS = since(t);
    log(`stock: ${stock.added} rows added, ${stock.complete} stores were complete (${stockS} s)`);

    t = performance.now();
    await refreshStatistics(main, { stock: stock.added, catalog: products + storesAdded.stores });
    const vacuumS = since(t);
    const bytes = await tableSizes(main);
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
        stock: stock.added,
      },
      stores_already_complete: stock.complete,
      seconds: {
        products: productsS,
        stores: storesS,
        stock: stockS,
        vacuum: vacuumS,
        total: since(t0),
      },
      bytes,
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
