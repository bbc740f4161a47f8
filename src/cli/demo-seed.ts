import { identityService } from '../modules/identity/index.ts';
import type { PlatformContext } from '../platform/context.ts';

export const DEMO_PASSWORD = 'lastmile-demo';

export const DEMO_USERS = [
  { email: 'customer@demo.lastmile.dev', name: 'Ana Customer', role: 'customer' },
  { email: 'customer2@demo.lastmile.dev', name: 'Ben Customer', role: 'customer' },
  { email: 'driver@demo.lastmile.dev', name: 'Dara Driver', role: 'driver' },
  { email: 'store@demo.lastmile.dev', name: 'Sami Store', role: 'store' },
  { email: 'ops@demo.lastmile.dev', name: 'Olu Ops', role: 'ops' },
] as const;

/** The demo city's accounts; re-running updates them in place. */
export async function seedDemo(ctx: Pick<PlatformContext, 'db' | 'tokens'>): Promise<void> {
  const identity = identityService(ctx.db, ctx.tokens);
  for (const u of DEMO_USERS) {
    await identity.upsertUser({ email: u.email, name: u.name, role: u.role, password: DEMO_PASSWORD });
  }
}

export function hasUsers(ctx: Pick<PlatformContext, 'db' | 'tokens'>): Promise<boolean> {
  return identityService(ctx.db, ctx.tokens).hasUsers();
}
