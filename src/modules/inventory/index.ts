import { auditFor } from '../../platform/audit/audit-log.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PlatformContext, perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { inventorySchemas } from './inventory.schemas.ts';
import { type InventoryService, inventoryService } from './inventory.service.ts';
import { type StockChanges, type StockSignals, stockSignals } from './stock-signals.ts';

export type { StockLevel } from './inventory.repository.ts';
export { inventoryRoutes, type StockItemCheck } from './inventory.routes.ts';
export {
  type InventoryService,
  inventoryService,
  type ReserveRequest,
  type ReserveStrategy,
} from './inventory.service.ts';
export type { ReservationLine } from './reservations.repository.ts';
export type { StockChanges } from './stock-signals.ts';
export type { LevelsAudit } from './stock-levels.service.ts';

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

/** Which stores' stock just changed, announced to every process (at most once; see stock-signals.ts). */
const stockSignalsFor = perPlatform((ctx): StockSignals => stockSignals(ctx.bus));

/**
 * Listens for the stores whose availability changed (committed), in every process. Only the
 * inventory service announces changes: whoever writes stock goes through it.
 */
export function stockChangesFor(ctx: PlatformContext): StockChanges {
  return stockSignalsFor(ctx);
}

/** The inventory service of this platform (reservations, levels); it announces stock changes. */
export const inventoryFor = perPlatform((ctx): InventoryService =>
  inventoryService({
    db: ctx.db,
    clock: ctx.clock,
    strategy: ctx.config.reserveStrategy,
    signals: stockSignalsFor(ctx),
    audit: auditFor(ctx),
  }),
);

/** Stock per store and product, never oversold (a database constraint), reservations with expiry, audit trail. */
export const inventoryModule: ModuleDefinition = {
  name: 'inventory',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: inventorySchemas,
  // Its stock routes are mounted by the catalog, which knows which stores and products exist.
  // Reservation expiry: the expiry time is stored with the reservation (durable); any worker's
  // sweep releases due ones, each exactly once (claimed with SKIP LOCKED, guarded transition).
  startWorker: async (ctx) =>
    runPeriodically(
      'reservation expiry sweep',
      1000,
      () => inventoryFor(ctx).expireDue(),
      ctx.logger,
    ),
};
