import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditFor } from '../../platform/audit/audit-log.ts';
import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { closedAccounts } from './closed-accounts.ts';
import { identityPersonalData } from './identity.personal-data.ts';
import { identityEvents } from './identity.events.ts';
import { identityRoutes } from './identity.routes.ts';
import { identitySchemas } from './identity.schemas.ts';
import { type IdentityService, identityService } from './identity.service.ts';

// One service per running platform, so the API-key cache is shared by the resolver and the routes.
export const identityFor = perPlatform((ctx): IdentityService =>
  identityService(ctx.db, ctx.tokens, auditFor(ctx)),
);

/** This platform's list of closed accounts, whose tokens the API refuses. */
export const closedAccountsFor = perPlatform((ctx) =>
  closedAccounts({
    db: ctx.db,
    clock: ctx.clock,
    tokenTtlS: ctx.config.jwtTtlS,
    logger: ctx.logger,
  }),
);

/** The account and its sign-in record in exports; its erasure (identity.account_erased). */
export const identityPersonalDataFor = perPlatform((ctx) => identityPersonalData(ctx.clock));
export { ERASED_NAME, erasedEmail } from './identity-privacy.repository.ts';
export { findPerson } from './identity.personal-data.ts';
export { closedAccounts } from './closed-accounts.ts';

export type { NewUser } from './accounts.service.ts';
export { type IdentityService, identityService } from './identity.service.ts';

/** Users, sign-in and partner API keys. */
export const identityModule: ModuleDefinition = {
  name: 'identity',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  apiKeyResolver: (ctx) => identityFor(ctx).resolveApiKey,
  accountCheck: (ctx) => closedAccountsFor(ctx).isOpen,
  schemas: identitySchemas,
  events: identityEvents,
  routes: (app, ctx) => identityRoutes(app, identityFor(ctx)),
};

export { IdentityEventDefs, IdentityEvents } from './identity.events.ts';
