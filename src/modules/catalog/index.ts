import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PlatformContext, perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { identityFor } from '../identity/index.ts';
import { stockSignalsFor } from '../inventory/index.ts';
import { catalogImportRoutes } from './catalog-import.routes.ts';
import { catalogRoutes, type PageSignals } from './catalog.routes.ts';
import { type ProductsService, productsService } from './products.service.ts';
import { storeStaffRoutes } from './store-staff.routes.ts';
import { storeStaffService } from './store-staff.service.ts';
import { type StoresService, storesService } from './stores.service.ts';

export { CatalogEvents, type ProductChangedPayload, type StoreChangedPayload } from './catalog.events.ts';
export { cellOf, coverageCells, zoneCovers } from './coverage.ts';
export type { OpeningHours } from './opening-hours.ts';
export type { ProductInput, ProductsService } from './products.service.ts';
export type { StoreInput, StoresService, StoreView } from './stores.service.ts';

export interface CatalogServices {
  stores: StoresService;
  products: ProductsService;
}

/** Live topic: products changed (created, renamed, repriced, imported); pages showing them are re-read. */
const PRODUCTS_CHANGED_TOPIC = 'catalog.products-changed';
const productsChanged = (ctx: PlatformContext) => () => ctx.bus.announce(PRODUCTS_CHANGED_TOPIC, {});

// One set of services per running platform, so the per-cell cache is shared by every route.
export const catalogFor = perPlatform(
  (ctx): CatalogServices => ({
    stores: storesService({ db: ctx.db, kv: ctx.kv, clock: ctx.clock }),
    products: productsService(ctx.db, { changed: productsChanged(ctx) }),
  }),
);

const pageSignals = (ctx: PlatformContext): PageSignals => ({
  onStockChanged: (handler) => stockSignalsFor(ctx).onChanged(handler),
  onProductsChanged: (handler) => ctx.bus.listen(PRODUCTS_CHANGED_TOPIC, () => handler()),
});

/** Stores, delivery zones, staff accounts, products and categories; discovery of what is near and in stock. */
export const catalogModule: ModuleDefinition = {
  name: 'catalog',
  dependsOn: ['inventory', 'identity'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  routes: async (app, ctx) => {
    await catalogRoutes(app, { ...catalogFor(ctx), signals: pageSignals(ctx) });
    await storeStaffRoutes(app, storeStaffService({ stores: catalogFor(ctx).stores, identity: identityFor(ctx) }));
    await app.register(async (scope) =>
      catalogImportRoutes(scope, { db: ctx.db, stores: catalogFor(ctx).stores, stockWritten: (id) => stockSignalsFor(ctx).changed(id), productsWritten: productsChanged(ctx) }),
    );
  },
};
