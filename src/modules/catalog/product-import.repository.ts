import { type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { CategoriesTable } from './categories.repository.ts';
import type { ProductsTable } from './products.repository.ts';

interface Tables {
  products: ProductsTable;
  categories: CategoriesTable;
}

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

export interface ChangedProduct {
  id: string;
  sku: string;
  version: number;
  price_minor: number;
  currency: string;
}

export function productImportRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
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
      const col = <K extends keyof ImportedProduct>(k: K) => rows.map((r) => r[k]);
      const res = await sql<ChangedProduct>`
        WITH input AS (
          SELECT * FROM unnest(${col('id')}::uuid[], ${col('sku')}::text[], ${col('name')}::text[], ${col('brand')}::text[],
                               ${col('category_id')}::text[], ${col('price_minor')}::int[], ${col('currency')}::text[],
                               ${col('image_url')}::text[], ${col('weight_g')}::int[], ${col('age_restricted')}::bool[])
            AS t(id, sku, name, brand, category_id, price_minor, currency, image_url, weight_g, age_restricted)
        )
        INSERT INTO products AS p (id, sku, name, brand, category_id, category_path, price_minor, currency, image_url, weight_g, age_restricted)
        SELECT i.id, i.sku, i.name, i.brand, i.category_id, c.path, i.price_minor, i.currency, i.image_url, i.weight_g, i.age_restricted
        FROM input i LEFT JOIN categories c ON c.id = i.category_id
        ON CONFLICT (sku) DO UPDATE SET
          name = EXCLUDED.name, brand = EXCLUDED.brand, category_id = EXCLUDED.category_id, category_path = EXCLUDED.category_path,
          price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency, image_url = EXCLUDED.image_url,
          weight_g = EXCLUDED.weight_g, age_restricted = EXCLUDED.age_restricted,
          version = p.version + 1, updated_at = now()
        WHERE (p.name, p.brand, p.category_id, p.category_path, p.price_minor, p.currency, p.image_url, p.weight_g, p.age_restricted)
          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.brand, EXCLUDED.category_id, EXCLUDED.category_path, EXCLUDED.price_minor,
                            EXCLUDED.currency, EXCLUDED.image_url, EXCLUDED.weight_g, EXCLUDED.age_restricted)
        RETURNING p.id, p.sku, p.version, p.price_minor, p.currency`.execute(db);
      return res.rows;
    },

    /** Product ids of these SKUs (unknown SKUs are simply absent). */
    async idsBySku(skus: readonly string[]): Promise<Map<string, string>> {
      if (skus.length === 0) return new Map();
      const res = await sql<{
        id: string;
        sku: string;
      }>`SELECT id, sku FROM products WHERE sku = ANY(${skus}::text[])`.execute(db);
      return new Map(res.rows.map((r) => [r.sku, r.id]));
    },
  };
}
