/** Event types the catalog emits (payload version 1). */
export const CatalogEvents = {
  STORE_CHANGED: 'catalog.store_changed',
  PRODUCT_CHANGED: 'catalog.product_changed',
} as const;

export interface StoreChangedPayload {
  store_id: string;
  version: number;
  status: 'open' | 'paused' | 'closed';
  /** What changed: created, updated, zone, status. */
  change: 'created' | 'updated' | 'zone' | 'status';
}

export interface ProductChangedPayload {
  product_id: string;
  sku: string;
  version: number;
  price_minor: number;
  currency: string;
}
