import { Type } from '@sinclair/typebox';
import { Strict } from '../../platform/http/typed.ts';
import { ProductBody, Sku } from './catalog.schemas.ts';

/** Rows per statement: large enough to amortise round trips, small enough to keep memory flat. */
export const IMPORT_BATCH_ROWS = 1000;
/** Row errors kept in the response (the first ones by line); `failed` still counts them all. */
export const MAX_REPORTED_ERRORS = 1000;
/** Largest import file; the body is streamed, so this bounds work, not memory. */
export const IMPORT_BODY_LIMIT = 256 * 1024 * 1024;
/** Most data rows one import request takes: a store's whole assortment (the brief's 50k SKUs) twice. */
export const IMPORT_MAX_ROWS = 100_000;

export const IMPORT_MEDIA_TYPES = { 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' } as const;
export type ImportFormat = (typeof IMPORT_MEDIA_TYPES)[keyof typeof IMPORT_MEDIA_TYPES];

/** The columns of a file: which must be in the header, which may be, and how CSV text converts. */
export interface ColumnSpec {
  required: readonly string[];
  optional: readonly string[];
  integers: readonly string[];
  booleans: readonly string[];
}

/**
 * A product row: the create-product body without `popularity` (ranking is not the operator's to
 * import), so a row is checked against exactly the constraints of POST /v1/products.
 */
export const ProductImportRow = Type.Omit(ProductBody, ['popularity', 'reason'], {
  additionalProperties: false,
});
export const PRODUCT_COLUMNS: ColumnSpec = {
  required: ['sku', 'name', 'category_id', 'price_minor', 'currency'],
  optional: ['brand', 'image_url', 'weight_g', 'age_restricted'],
  integers: ['price_minor', 'weight_g'],
  booleans: ['age_restricted'],
};

export const StockImportRow = Strict({
  sku: Sku,
  on_hand: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
});
export const STOCK_COLUMNS: ColumnSpec = {
  required: ['sku', 'on_hand'],
  optional: [],
  integers: ['on_hand'],
  booleans: [],
};

/** The raw file in the request body, documented per media type (no `type`: the body is a stream). */
export const importBody = (csv: string, ndjson: string) => ({
  content: {
    'text/csv': { schema: { description: csv, contentMediaType: 'text/csv' } },
    'application/x-ndjson': {
      schema: { description: ndjson, contentMediaType: 'application/x-ndjson' },
    },
  },
});
