import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditFor } from '../../platform/audit/audit-log.ts';
import { liveNotices } from '../../platform/bus/live-notices.ts';
import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { identityFor } from '../identity/index.ts';
import { inventoryFor, inventoryRoutes, stockChangesFor } from '../inventory/index.ts';
import { catalogImportRoutes } from './catalog-import.routes.ts';
import { catalogSchemas } from './catalog.components.ts';
import { catalogEvents } from './catalog.events.ts';
import { catalogRoutes } from './catalog.routes.ts';
import { mapZones, mapZonesRoutes } from './map-zones.ts';
import { mapZonesSchemas } from './map-zones.schemas.ts';
import { type ProductsService, productsService } from './products.service.ts';
import { storeStaffRoutes } from './store-staff.routes.ts';
import { storeStaffService } from './store-staff.service.ts';
import { type StoresService, storesService } from './stores.service.ts';

export {
  CatalogEventDefs,
  CatalogEvents,
  catalogEvents,
  type ProductChangedPayload,
  type StoreChangedPayload,
} from './catalog.events.ts';
export type { OpeningHours } from './opening-hours.ts';
export type { ProductInput } from './product-edits.service.ts';
export type { ProductsService } from './products.service.ts';
export type { StoreInput } from './store-edits.service.ts';
export type { StoreView } from './store-view.ts';
export type { StoresService } from './stores.service.ts';

export interface CatalogServices {
  stores: StoresService;
  products: ProductsService;
}

/** Products changed (created, renamed, repriced, imported): pages and search matches are re-read. */
const productNoticesFor = perPlatform((ctx) => liveNotices(ctx.bus, 'catalog.products-changed'));

/** Delivery zones drawn for maps, their polygons kept per store version. */
const zonesFor = perPlatform((ctx) => mapZones(ctx.db));

// One set of services per running platform, so the per-cell cache is shared by every route.
export const catalogFor = perPlatform((ctx): CatalogServices => ({
  stores: storesService({ db: ctx.db, kv: ctx.kv, clock: ctx.clock, audit: auditFor(ctx) }),
  products: productsService(ctx.db, { notices: productNoticesFor(ctx), audit: auditFor(ctx) }),
}));

/** Stores, delivery zones, staff accounts, products and categories; discovery of what is near and in stock. */
export const catalogModule: ModuleDefinition = {
  name: 'catalog',
  events: catalogEvents,
  dependsOn: ['inventory', 'identity'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: [...catalogSchemas, ...mapZonesSchemas],
  routes: async (app, ctx) => {
    await catalogRoutes(app, {
      ...catalogFor(ctx),
      signals: { stock: stockChangesFor(ctx), products: productNoticesFor(ctx) },
    });
    // Inventory's stock routes: a count or restock names a store and a product that must exist.
    const { stores, products } = catalogFor(ctx);
    await app.register(async (scope) =>
      inventoryRoutes(scope, inventoryFor(ctx), async (storeId, productId) => {
        await stores.mustExist(storeId);
        await products.get(productId);
      }),
    );
    await mapZonesRoutes(app, zonesFor(ctx));
    await storeStaffRoutes(
      app,
      storeStaffService({
        db: ctx.db,
        audit: auditFor(ctx),
        stores: catalogFor(ctx).stores,
        identity: identityFor(ctx),
      }),
    );
    await app.register(async (scope) =>
      catalogImportRoutes(scope, {
        db: ctx.db,
        audit: auditFor(ctx),
        stores: catalogFor(ctx).stores,
        inventory: inventoryFor(ctx),
        productsWritten: () => productNoticesFor(ctx).notify(),
      }),
    );
  },
};
