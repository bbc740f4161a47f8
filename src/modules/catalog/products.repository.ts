import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

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

interface Tables {
  products: ProductsTable;
}

export type ProductRow = Selectable<ProductsTable>;
export type ProductFields = Omit<ProductRow, 'id' | 'search_text' | 'version' | 'updated_at'>;

/** Products by id or SKU, and their writes (each a new version). */
export function productsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
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
  };
}
