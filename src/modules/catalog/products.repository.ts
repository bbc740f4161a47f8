import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { AVAILABILITY_VIEW, type AvailabilityRow } from '../inventory/index.ts';

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  brand: string;
  category_id: string;
  category_path: string[];
  price_minor: number;
  currency: string;
  image_url: string | null;
  weight_g: number | null;
  age_restricted: boolean;
  popularity: number;
  search_text: Generated<string>;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  name: string;
  path: string[];
}

interface Tables {
  products: ProductsTable;
  categories: CategoriesTable;
  [AVAILABILITY_VIEW]: AvailabilityRow;
}

export type ProductRow = Selectable<ProductsTable>;
export type ProductFields = Omit<ProductRow, 'id' | 'search_text' | 'version' | 'updated_at'>;
export type CategoryRow = Selectable<CategoriesTable>;

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

export function productsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    upsertCategory(c: CategoryRow) {
      return q
        .insertInto('categories')
        .values({ ...c, path: sql`${c.path}::text[]` as never })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            name: c.name,
            parent_id: c.parent_id,
            path: sql`${c.path}::text[]` as never,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    findCategory(id: string) {
      return q.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
    },
    listCategories() {
      return q.selectFrom('categories').selectAll().orderBy('path').execute();
    },
    insert(id: string, f: ProductFields) {
      return q
        .insertInto('products')
        .values({ ...f, id, category_path: sql`${f.category_path}::text[]` as never })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    update(id: string, f: Partial<ProductFields>) {
      const set: Record<string, unknown> = {
        ...f,
        version: sql`version + 1`,
        updated_at: sql`now()`,
      };
      if (f.category_path) set.category_path = sql`${f.category_path}::text[]`;
      return q
        .updateTable('products')
        .set(set as never)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    find(id: string) {
      return q.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findMany(ids: readonly string[]) {
      return ids.length === 0
        ? Promise.resolve([])
        : q
            .selectFrom('products')
            .selectAll()
            .where('id', '=', sql<string>`ANY(${sql.val([...ids])}::uuid[])`)
            .execute();
    },
    findBySkus(skus: readonly string[]) {
      return skus.length === 0
        ? Promise.resolve([])
        : q.selectFrom('products').select(['id', 'sku']).where('sku', 'in', skus).execute();
    },
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
