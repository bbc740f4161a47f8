import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDefinition } from '../../platform/module.ts';

export { type StockLevel, setStockLevels } from './inventory.repository.ts';

/**
 * The inventory's published read surface: a view of (store_id, product_id, available, updated_at).
 * Other modules may read it (the catalog lists what is in stock); only inventory writes stock.
 */
export const AVAILABILITY_VIEW = 'inventory_availability';
export interface AvailabilityRow {
  store_id: string;
  product_id: string;
  available: number;
  updated_at: Date;
}

/** Stock per store and product, never oversold (a database constraint), with an audit trail. */
export const inventoryModule: ModuleDefinition = {
  name: 'inventory',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
};
