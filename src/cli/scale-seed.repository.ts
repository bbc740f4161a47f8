import pg from 'pg';
import { copyIn, slices, textRows } from './seed-copy.ts';

/*
 * The scale seed's statements (see scale-seed.ts). An operator's bulk load writes the catalog's
 * and the inventory's tables directly with COPY, as seed-copy.ts explains; this file is the only
 * part of the seed that touches them. Raw SQL throughout: COPY, temporary tables and session
 * settings are beyond Kysely.
 */

type Row = ReadonlyArray<string | number | boolean | null>;

const PRODUCT_COLUMNS =
  'id, sku, name, brand, category_id, category_path, price_minor, currency, weight_g, age_restricted, popularity';
const STORE_COLUMNS =
  'id, name, address, lat, lng, zone_radius_m, timezone, opening_hours, avg_prep_s';

/** A connection of its own for the seed, tuned for a bulk load. */
export async function connectSeed(url: string): Promise<pg.Client> {
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

/** Rows of `table` whose id lies in [lo, hi]. */
export async function countInRange(
  client: pg.Client,
  table: 'products' | 'stores',
  [lo, hi]: [string, string],
): Promise<number> {
  const res = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE id BETWEEN $1 AND $2`,
    [lo, hi],
  );
  return res.rows[0]?.n ?? 0;
}

/** Products in PRODUCT_COLUMNS order; those already there are left alone. Returns those added. */
export async function insertProducts(client: pg.Client, rows: Iterable<Row>): Promise<number> {
  return inTransaction(client, async () => {
    await client.query(`CREATE TEMP TABLE seed_products (id uuid, sku text, name text, brand text, category_id text, category_path text[],
      price_minor int, currency char(3), weight_g int, age_restricted boolean, popularity real) ON COMMIT DROP`);
    await copyIn(client, `COPY seed_products (${PRODUCT_COLUMNS}) FROM STDIN`, textRows(rows));
    const res = await client.query(
      `INSERT INTO products (${PRODUCT_COLUMNS}) SELECT ${PRODUCT_COLUMNS} FROM seed_products ORDER BY id ON CONFLICT DO NOTHING`,
    );
    return res.rowCount ?? 0;
  });
}

/**
 * Stores in STORE_COLUMNS order, and the coverage cells (cell, store id) of the ones inserted now
 * (an existing store may have had its zone edited), in one transaction.
 */
export async function insertStores(
  client: pg.Client,
  rows: Row[],
  coverageOf: (inserted: Set<string>) => Iterable<Row>,
): Promise<{ stores: number; coverage: number }> {
  return inTransaction(client, async () => {
    await client.query(`CREATE TEMP TABLE seed_stores (id uuid, name text, address text, lat float8, lng float8, zone_radius_m int,
      timezone text, opening_hours jsonb, avg_prep_s int) ON COMMIT DROP`);
    await copyIn(client, `COPY seed_stores (${STORE_COLUMNS}) FROM STDIN`, textRows(rows));
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO stores (${STORE_COLUMNS}) SELECT ${STORE_COLUMNS} FROM seed_stores ORDER BY id ON CONFLICT DO NOTHING RETURNING id`,
    );
    const fresh = new Set(inserted.rows.map((r) => r.id));
    await client.query(
      'CREATE TEMP TABLE seed_coverage (cell bigint, store_id uuid) ON COMMIT DROP',
    );
    await copyIn(
      client,
      'COPY seed_coverage (cell, store_id) FROM STDIN',
      textRows(coverageOf(fresh)),
    );
    const cov = await client.query(
      'INSERT INTO store_coverage (cell, store_id) SELECT cell, store_id FROM seed_coverage ON CONFLICT DO NOTHING',
    );
    return { stores: fresh.size, coverage: cov.rowCount ?? 0 };
  });
}

/**
 * Rows each store already has of the seed's products, ids `lo`..`hi`. A store's stock is written
 * in one transaction that always includes the seed's last product, so a store holding that row is
 * complete (one index probe, counted as `complete`); only the others are counted (a primary-key
 * range scan), which tells an empty store (plain COPY) from one loaded with fewer --skus before
 * (merge the missing rows).
 */
export async function existingStock(
  client: pg.Client,
  storeIds: string[],
  [lo, hi]: [string, string],
  complete: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < storeIds.length; i += 500) {
    const res = await client.query<{ id: string; n: number }>(
      `SELECT s.id::text AS id,
              CASE WHEN EXISTS (SELECT 1 FROM stock k WHERE k.store_id = s.id AND k.product_id = $3) THEN $4::int
                   ELSE (SELECT count(*) FROM stock k WHERE k.store_id = s.id AND k.product_id BETWEEN $2 AND $3)::int END AS n
       FROM unnest($1::uuid[]) AS s(id)`,
      [storeIds.slice(i, i + 500), lo, hi, complete],
    );
    for (const r of res.rows) out.set(r.id, r.n);
  }
  return out;
}

/**
 * One store's stock (COPY binary `data`) in one transaction: straight COPY when it has none
 * (`have` is 0), else merged so the rows it has stay. Returns the rows added.
 */
export async function loadStoreStock(client: pg.Client, data: Buffer, have: number) {
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

/**
 * Fresh statistics for the planner; on a big load also the visibility map (index-only scans, hint
 * bits set now rather than by the first readers).
 */
export async function refreshStatistics(
  client: pg.Client,
  added: { stock: number; catalog: number },
): Promise<void> {
  if (added.stock > 100_000) await client.query('VACUUM (ANALYZE) stock');
  else if (added.stock > 0) await client.query('ANALYZE stock');
  if (added.catalog > 0) await client.query('ANALYZE products, stores, store_coverage');
}

/** Bytes of the database and of the tables the seed fills. */
export async function tableSizes(client: pg.Client) {
  const sizes = await client.query<Record<string, number>>(
    `SELECT pg_database_size(current_database()) AS database, pg_total_relation_size('stock') AS stock,
              pg_total_relation_size('products') AS products, pg_total_relation_size('stores') AS stores,
              pg_total_relation_size('store_coverage') AS store_coverage`,
  );
  const b = sizes.rows[0] ?? {};
  return {
    database: b.database ?? 0,
    stock: b.stock ?? 0,
    products: b.products ?? 0,
    stores: b.stores ?? 0,
    store_coverage: b.store_coverage ?? 0,
  };
}
