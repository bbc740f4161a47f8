import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { type CategoriesTable, catalogDb } from './catalog-tables.ts';

export type CategoryRow = Selectable<CategoriesTable>;

/** The category tree: each row holds its path from the root, so a product stores its own. */
export function categoriesRepository(db: Db) {
  const q = catalogDb(db);
  return {
    upsertCategory(c: CategoryRow) {
      return q
        .insertInto('categories')
        .values(c)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({ name: c.name, parent_id: c.parent_id, path: c.path }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    findCategory(id: string) {
      return q.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** In path order (a parent before its children); `afterPath` continues after that path. */
    listCategories(p: { afterPath?: string[]; limit?: number } = {}) {
      let query = q.selectFrom('categories').selectAll().orderBy('path');
      const after = p.afterPath;
      if (after) query = query.where((eb) => eb('path', '>', eb.val(after)));
      if (p.limit !== undefined) query = query.limit(p.limit);
      return query.execute();
    },
  };
}
