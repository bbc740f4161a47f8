import { type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { AVAILABILITY_VIEW, type AvailabilityRow } from '../inventory/index.ts';
import type { ProductsTable } from './products.repository.ts';

interface Tables {
  products: ProductsTable;
  [AVAILABILITY_VIEW]: AvailabilityRow;
}

const PRODUCT_COLUMNS = [
  'p.id',
  'p.sku',
  'p.name',
  'p.brand',
  'p.category_id',
  'p.category_path',
  'p.price_minor',
  'p.currency',
  'p.image_url',
  'p.weight_g',
  'p.age_restricted',
  'p.popularity',
  'p.version',
] as const;

/** The reads behind discovery: a store's in-stock page, text search, availability at stores. */
export function productPagesRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    /**
     * A page of a store's in-stock products in (name, id) order: walks the products by name and
     * probes the store's stock per product, so a page costs about `limit` index probes.
     */
    inStockPage(p: {
      storeId: string;
      category?: { id: string; depth: number };
      q?: string;
      after?: { name: string; id: string };
      limit: number;
    }) {
      let query = q
        .selectFrom('products as p')
        .innerJoin(`${AVAILABILITY_VIEW} as a`, (j) =>
          j.onRef('a.product_id', '=', 'p.id').on('a.store_id', '=', p.storeId),
        )
        .select([...PRODUCT_COLUMNS, 'a.available'])
        .where('a.available', '>', 0)
        .orderBy('p.name')
        .orderBy('p.id')
        .limit(p.limit);
      const cat = p.category;
      if (cat && cat.depth >= 1 && cat.depth <= 3) {
        // Matches the per-level index (category_path[n], name, id): sql.lit keeps the subscript a constant.
        query = query.where(sql<boolean>`p.category_path[${sql.lit(cat.depth)}] = ${cat.id}`);
      } else if (cat) {
        query = query.where(sql<boolean>`p.category_path @> ARRAY[${cat.id}]::text[]`);
      }
      if (p.q)
        query = query.where(
          sql<boolean>`p.search_text LIKE ${`%${escapeLike(p.q.toLowerCase())}%`}`,
        );
      if (p.after) {
        const after = p.after;
        query = query.where((eb) =>
          eb.or([
            eb('p.name', '>', after.name),
            eb.and([eb('p.name', '=', after.name), eb('p.id', '>', after.id)]),
          ]),
        );
      }
      return query.execute();
    },
    /** Products whose name or brand is closest to the text (trigram distance), best first. */
    searchProducts(text: string, limit: number) {
      const needle = text.toLowerCase();
      return q
        .selectFrom('products as p')
        .select([...PRODUCT_COLUMNS, sql<number>`1 - (p.search_text <-> ${needle})`.as('score')])
        .where(
          sql<boolean>`p.search_text % ${needle} OR p.search_text LIKE ${`%${escapeLike(needle)}%`}`,
        )
        .orderBy(sql`p.search_text <-> ${needle}`)
        .limit(limit)
        .execute();
    },
    /**
     * Available quantity of these products in these stores (only where in stock): one primary-key
     * probe per (store, product) pair, rather than letting the planner scan whole stores.
     */
    async availability(storeIds: readonly string[], productIds: readonly string[]) {
      if (storeIds.length === 0 || productIds.length === 0) return [];
      const res = await sql<{ store_id: string; product_id: string; available: number }>`
        SELECT a.store_id, a.product_id, a.available
        FROM unnest(${storeIds}::uuid[]) AS s(id) CROSS JOIN unnest(${productIds}::uuid[]) AS p(id)
        JOIN ${sql.table(AVAILABILITY_VIEW)} a ON a.store_id = s.id AND a.product_id = p.id
        WHERE a.available > 0`.execute(db);
      return res.rows;
    },
  };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
