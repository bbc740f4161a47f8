import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { catalogDb, type ProductsTable } from './catalog-tables.ts';

export type ProductRow = Selectable<ProductsTable>;
export type ProductFields = Omit<ProductRow, 'id' | 'search_text' | 'version' | 'updated_at'>;

/** Products by id or SKU, and their writes (each a new version). */
export function productsRepository(db: Db) {
  const q = catalogDb(db);
  return {
    insert(id: string, f: ProductFields) {
      return q
        .insertInto('products')
        .values({ ...f, id })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    update(id: string, f: Partial<ProductFields>) {
      return q
        .updateTable('products')
        .set((eb) => ({ ...f, version: eb('version', '+', eb.lit(1)), updated_at: eb.fn('now') }))
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
            .where((eb) => eb('id', '=', eb.fn.any(eb.val([...ids]))))
            .execute();
    },
    findBySkus(skus: readonly string[]) {
      return skus.length === 0
        ? Promise.resolve([])
        : q.selectFrom('products').select(['id', 'sku']).where('sku', 'in', skus).execute();
    },
  };
}
