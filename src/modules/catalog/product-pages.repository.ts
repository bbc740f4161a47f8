import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { AVAILABILITY_VIEW, type AvailabilityRow } from '../inventory/index.ts';
import type { CatalogTables } from './catalog-tables.ts';

/** The catalog's tables and the one view it may read: inventory's published availability. */
type PagesDb = Kysely<CatalogTables & { [AVAILABILITY_VIEW]: AvailabilityRow }>;

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
  const q = db as unknown as PagesDb;
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
        // Raw: an array subscript, which Kysely has no builder for.
        query = query.where(sql<boolean>`p.category_path[${sql.lit(cat.depth)}] = ${cat.id}`);
      } else if (cat) {
        query = query.where((eb) => eb('p.category_path', '@>', eb.val([cat.id])));
      }
      if (p.q) query = query.where('p.search_text', 'like', `%${escapeLike(p.q.toLowerCase())}%`);
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
        .select((eb) => [
          ...PRODUCT_COLUMNS,
          eb(
            eb.lit<number>(1),
            '-',
            eb.parens(eb('p.search_text', '<->', needle).$castTo<number>()),
          ).as('score'),
        ])
        .where((eb) =>
          eb.or([
            // pg_trgm's similarity operator (Kysely knows `%` as modulo, the same syntax).
            eb('p.search_text', '%', needle).$castTo<SqlBool>(),
            eb('p.search_text', 'like', `%${escapeLike(needle)}%`),
          ]),
        )
        .orderBy((eb) => eb('p.search_text', '<->', needle))
        .limit(limit)
        .execute();
    },
    /**
     * Available quantity of these products in these stores (only where in stock): one primary-key
     * probe per (store, product) pair, rather than letting the planner scan whole stores.
     */
    async availability(storeIds: readonly string[], productIds: readonly string[]) {
      if (storeIds.length === 0 || productIds.length === 0) return [];
      return q
        .selectFrom(idRows(storeIds).as('s'))
        .crossJoin(idRows(productIds).as('p'))
        .innerJoin(`${AVAILABILITY_VIEW} as a`, (j) =>
          j.onRef('a.store_id', '=', 's.id').onRef('a.product_id', '=', 'p.id'),
        )
        .select(['a.store_id', 'a.product_id', 'a.available'])
        .where('a.available', '>', 0)
        .execute();
    },
  };
}

/** The ids as rows of one column `id`, from one array parameter. */
function idRows(ids: readonly string[]) {
  // Raw: unnest needs its parameter cast to uuid[]; Kysely's cast has no array types.
  return sql<{ id: string }>`(SELECT * FROM unnest(${ids}::uuid[]) AS t(id))`;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
