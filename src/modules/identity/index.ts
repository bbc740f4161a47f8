import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { identityRoutes } from './identity.routes.ts';
import { type IdentityService, identityService } from './identity.service.ts';

// One service per running platform, so the API-key cache is shared by the resolver and the routes.
const services = new WeakMap<PlatformContext, IdentityService>();
export function identityFor(ctx: PlatformContext): IdentityService {
  let s = services.get(ctx);
  if (!s) {
    s = identityService(ctx.db, ctx.tokens);
    services.set(ctx, s);
  }
  return s;
}

export { type IdentityService, identityService, type NewUser } from './identity.service.ts';

/** Users, sign-in and partner API keys. */
export const identityModule: ModuleDefinition = {
  name: 'identity',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  apiKeyResolver: (ctx) => identityFor(ctx).resolveApiKey,
  routes: (app, ctx) => identityRoutes(app, identityFor(ctx)),
};
