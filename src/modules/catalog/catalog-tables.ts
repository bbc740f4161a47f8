import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { LatLng } from './coverage.ts';
import type { OpeningHours } from './opening-hours.ts';

// The catalog's tables (migrations/0001_catalog.sql), written once for its repositories.

export const STORE_STATUSES = ['open', 'paused', 'closed'] as const;
export type StoreStatus = (typeof STORE_STATUSES)[number];

export interface StoresTable {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  zone_radius_m: number;
  // jsonb columns are read parsed and written as JSON text (pg sends a JS array as a SQL array).
  zone_polygon: ColumnType<LatLng[] | null, string | null, string | null>;
  timezone: string;
  opening_hours: ColumnType<OpeningHours, string, string>;
  status: Generated<StoreStatus>;
  avg_prep_s: number;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StoreCoverageTable {
  cell: bigint | string;
  store_id: string;
}

export interface CategoriesTable {
  id: string;
  parent_id: string | null;
  name: string;
  path: string[];
}

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

export interface CatalogTables {
  stores: StoresTable;
  store_coverage: StoreCoverageTable;
  categories: CategoriesTable;
  products: ProductsTable;
}

/** The shared handle narrowed to the catalog's tables: no other module's can be named. */
export type CatalogDb = Kysely<CatalogTables>;
export const catalogDb = (db: Db): CatalogDb => db as unknown as CatalogDb;
