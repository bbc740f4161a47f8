import { type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  name: string;
  path: string[];
}

interface Tables {
  categories: CategoriesTable;
}

export type CategoryRow = Selectable<CategoriesTable>;

/** The category tree: each row holds its path from the root, so a product stores its own. */
export function categoriesRepository(db: Db) {
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
  };
}
