import { identityService } from '../modules/identity/index.ts';
import type { PlatformContext } from '../platform/context.ts';
import { DEMO_STORE_ID } from './demo-city.ts';

export const DEMO_PASSWORD = 'lastmile-demo';

export const DEMO_USERS = [
  { email: 'customer@demo.lastmile.dev', name: 'Ana Customer', role: 'customer' },
  { email: 'customer2@demo.lastmile.dev', name: 'Ben Customer', role: 'customer' },
  { email: 'driver@demo.lastmile.dev', name: 'Dara Driver', role: 'driver' },
  { email: 'store@demo.lastmile.dev', name: 'Sami Store', role: 'store' },
  { email: 'ops@demo.lastmile.dev', name: 'Olu Ops', role: 'ops' },
] as const;

/**
 * The demo accounts; re-running updates them in place. The store account works at the first demo
 * store: its id is deterministic, so accounts and city can be seeded in either order (tests seed
 * only the accounts and never pay for the city).
 */
export async function seedDemoAccounts(ctx: Pick<PlatformContext, 'db' | 'tokens'>): Promise<void> {
  const identity = identityService(ctx.db, ctx.tokens);
  for (const u of DEMO_USERS) {
    await identity.upsertUser({
      email: u.email,
      name: u.name,
      role: u.role,
      password: DEMO_PASSWORD,
      ...(u.role === 'store' ? { storeId: DEMO_STORE_ID } : {}),
    });
  }
}

/** The accounts only (what tests and the http benchmark sign in with); `seedDemoCity` adds the city. */
export const seedDemo = seedDemoAccounts;

export function hasUsers(ctx: Pick<PlatformContext, 'db' | 'tokens'>): Promise<boolean> {
  return identityService(ctx.db, ctx.tokens).hasUsers();
}
