import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { catalogDb } from './catalog-tables.ts';

/** A product as an import row sets it: every imported field (popularity is not imported). */
export interface ImportedProduct {
  id: string;
  sku: string;
  name: string;
  brand: string;
  category_id: string;
  price_minor: number;
  currency: string;
  image_url: string | null;
  weight_g: number | null;
  age_restricted: boolean;
}

/** The fields an import sets on an existing product; a row that changes none of them is skipped. */
const IMPORTED_FIELDS = [
  'name',
  'brand',
  'category_id',
  'category_path',
  'price_minor',
  'currency',
  'image_url',
  'weight_g',
  'age_restricted',
] as const;

/** The batch as rows: one array parameter per column, however many rows. */
function importRows(rows: readonly ImportedProduct[]) {
  const col = <K extends keyof ImportedProduct>(k: K) => rows.map((r) => r[k]);
  // Raw: a multi-array unnest with a column list (… AS t(id, sku, …)) has no Kysely builder.
  return sql<ImportedProduct>`(SELECT * FROM unnest(
    ${col('id')}::uuid[], ${col('sku')}::text[], ${col('name')}::text[], ${col('brand')}::text[],
    ${col('category_id')}::text[], ${col('price_minor')}::int[], ${col('currency')}::text[],
    ${col('image_url')}::text[], ${col('weight_g')}::int[], ${col('age_restricted')}::bool[])
    AS t(id, sku, name, brand, category_id, price_minor, currency, image_url, weight_g,
         age_restricted))`;
}

export interface ChangedProduct {
  id: string;
  sku: string;
  version: number;
  price_minor: number;
  currency: string;
}

export function productImportRepository(db: Db) {
  const q = catalogDb(db);
  return {
    /** Every category id with its path (root first): the import checks rows against this, once per file. */
    async categoryPaths(): Promise<Map<string, string[]>> {
      const rows = await q.selectFrom('categories').select(['id', 'path']).execute();
      return new Map(rows.map((r) => [r.id, r.path]));
    },

    /**
     * Upserts a batch by SKU in one statement (the SKUs must be distinct). A new SKU is inserted
     * with the given id; an existing one takes the row's fields and a new version, but only if
     * something differs, so re-importing the same file changes nothing and emits nothing.
     * The category path is joined here rather than sent (arrays of arrays do not unnest); a
     * category that vanished leaves it NULL, which the NOT NULL constraint refuses.
     * Returns the products inserted or changed.
     */
    async upsert(rows: readonly ImportedProduct[]): Promise<ChangedProduct[]> {
      if (rows.length === 0) return [];
      return q
        .with('input', () => importRows(rows))
        .insertInto('products')
        .columns(['id', 'sku', ...IMPORTED_FIELDS])
        .expression((eb) =>
          eb
            .selectFrom('input as i')
            .leftJoin('categories as c', 'c.id', 'i.category_id')
            .select([
              'i.id',
              'i.sku',
              'i.name',
              'i.brand',
              'i.category_id',
              'c.path',
              'i.price_minor',
              'i.currency',
              'i.image_url',
              'i.weight_g',
              'i.age_restricted',
            ]),
        )
        .onConflict((oc) =>
          oc
            .column('sku')
            .doUpdateSet((eb) => ({
              ...Object.fromEntries(IMPORTED_FIELDS.map((f) => [f, eb.ref(`excluded.${f}`)])),
              version: eb('products.version', '+', eb.lit(1)),
              updated_at: eb.fn('now'),
            }))
            .where((eb) =>
              eb.or(
                IMPORTED_FIELDS.map((f) =>
                  eb(`products.${f}`, 'is distinct from', eb.ref(`excluded.${f}`)),
                ),
              ),
            ),
        )
        .returning(['id', 'sku', 'version', 'price_minor', 'currency'])
        .execute();
    },

    /** Product ids of these SKUs (unknown SKUs are simply absent). */
    async idsBySku(skus: readonly string[]): Promise<Map<string, string>> {
      if (skus.length === 0) return new Map();
      const rows = await q
        .selectFrom('products')
        .select(['id', 'sku'])
        .where((eb) => eb('sku', '=', eb.fn.any(eb.val(skus))))
        .execute();
      return new Map(rows.map((r) => [r.sku, r.id]));
    },
  };
}
