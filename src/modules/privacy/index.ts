import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { privacyRoutes } from './privacy.routes.ts';
import { privacySchemas } from './privacy.schemas.ts';
import { privacyService, SECTIONS } from './privacy.service.ts';

export const privacyFor = perPlatform(privacyService);

/**
 * People's data: a person's export and erasure (and ops' on their behalf), run across the
 * modules that hold it, each through its own `PersonalData`. No tables of its own.
 */
export const privacyModule: ModuleDefinition = {
  name: 'privacy',
  // The modules it runs the export and erasure across: they boot first.
  dependsOn: SECTIONS,
  schemas: privacySchemas,
  apiTags: [
    {
      name: 'privacy',
      description:
        'A person exports or erases their own data; ops do it on request. Erasure keeps orders and payments (the accounts need them) with the delivery address, driver name and location history erased; it is refused (409) while an order or a delivery is in flight, and the account can no longer sign in.',
    },
  ],
  routes: (app, ctx) => privacyRoutes(app, privacyFor(ctx)),
};
