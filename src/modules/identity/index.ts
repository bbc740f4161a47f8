import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { identityEvents } from './identity.events.ts';
import { identityRoutes } from './identity.routes.ts';
import { identitySchemas } from './identity.schemas.ts';
import { type IdentityService, identityService } from './identity.service.ts';

// One service per running platform, so the API-key cache is shared by the resolver and the routes.
export const identityFor = perPlatform((ctx): IdentityService =>
  identityService(ctx.db, ctx.tokens),
);

export type { NewUser } from './accounts.service.ts';
export { type IdentityService, identityService } from './identity.service.ts';

/** Users, sign-in and partner API keys. */
export const identityModule: ModuleDefinition = {
  name: 'identity',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  apiKeyResolver: (ctx) => identityFor(ctx).resolveApiKey,
  schemas: identitySchemas,
  events: identityEvents,
  routes: (app, ctx) => identityRoutes(app, identityFor(ctx)),
};

export { IdentityEventDefs, IdentityEvents } from './identity.events.ts';
