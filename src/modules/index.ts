import type { ModuleDefinition } from '../platform/module.ts';
import { addressesModule } from './addresses/index.ts';
import { catalogModule } from './catalog/index.ts';
import { dispatchModule } from './dispatch/index.ts';
import { driversModule } from './drivers/index.ts';
import { etaModule } from './eta/index.ts';
import { gatewayModule } from './gateway/index.ts';
import { identityModule } from './identity/index.ts';
import { inventoryModule } from './inventory/index.ts';
import { notificationsModule } from './notifications/index.ts';
import { opsConsoleModule } from './ops-console/index.ts';
import { ordersModule } from './orders/index.ts';
import { paymentsModule } from './payments/index.ts';
import { placesModule } from './places/index.ts';
import { privacyModule } from './privacy/index.ts';
import { storeStreamModule } from './store-stream/index.ts';
import { supportModule } from './support/index.ts';
import { trackingModule } from './tracking/index.ts';
import { webhooksModule } from './webhooks/index.ts';

/** Every module of lastmile, in any order (the platform sorts them by their dependencies). */
export const allModules: readonly ModuleDefinition[] = [
  gatewayModule,
  identityModule,
  addressesModule,
  inventoryModule,
  catalogModule,
  supportModule,
  notificationsModule,
  paymentsModule,
  ordersModule,
  driversModule,
  etaModule,
  dispatchModule,
  trackingModule,
  storeStreamModule,
  webhooksModule,
  privacyModule,
  placesModule,
  opsConsoleModule,
];
