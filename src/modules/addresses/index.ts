import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { addressesRoutes } from './addresses.routes.ts';
import { addressesSchemas } from './addresses.schemas.ts';
import { type AddressesService, addressesService } from './addresses.service.ts';

export { addressesPersonalData } from './addresses-privacy.repository.ts';
export type { AddressesService, AddressView } from './addresses.service.ts';

/** The saved addresses of a running platform (built once per platform). */
export const addressesFor = perPlatform((ctx): AddressesService => addressesService(ctx.db));

/** Customers' saved delivery addresses (label, text, point, notes for the driver, one default). */
export const addressesModule: ModuleDefinition = {
  name: 'addresses',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: addressesSchemas,
  apiTags: [
    {
      name: 'addresses',
      description:
        'A customer keeps up to 20 delivery addresses, one of them the default; a checkout can name one instead of a point and a text. They are in the export and deleted with the account.',
    },
  ],
  routes: (app, ctx) => addressesRoutes(app, addressesFor(ctx)),
};
