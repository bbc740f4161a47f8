import { seedDriverProfile } from '../modules/drivers/index.ts';
import { identityService } from '../modules/identity/index.ts';
import type { PlatformContext } from '../platform/context.ts';
import { DEMO_STORE_ID } from './demo-city.ts';

export const DEMO_PASSWORD = 'lastmile-demo';
/** Driver profiles of the demo driver accounts, fixed so re-seeding finds them. */
export const DEMO_DRIVER_IDS = [
  '0193a000-0000-7000-8000-00000000d001',
  '0193a000-0000-7000-8000-00000000d002',
] as const;

export const DEMO_USERS = [
  { email: 'customer@demo.lastmile.dev', name: 'Ana Customer', role: 'customer' },
  { email: 'customer2@demo.lastmile.dev', name: 'Ben Customer', role: 'customer' },
  { email: 'driver@demo.lastmile.dev', name: 'Dara Driver', role: 'driver' },
  { email: 'driver2@demo.lastmile.dev', name: 'Eli Driver', role: 'driver' },
  { email: 'store@demo.lastmile.dev', name: 'Sami Store', role: 'store' },
  // The first ops account is the one tools sign in with (the simulator, `tokenFor('ops')`).
  { email: 'ops@demo.lastmile.dev', name: 'Olu Ops', role: 'ops', opsLevel: 'admin' },
  { email: 'agent@demo.lastmile.dev', name: 'Ari Agent', role: 'ops', opsLevel: 'agent' },
] as const;

/** How a demo login is named in the start banner: its role, and an ops account's level. */
export const demoLoginLabel = (u: (typeof DEMO_USERS)[number]): string =>
  'opsLevel' in u ? `${u.role} ${u.opsLevel}` : u.role;

/**
 * The demo accounts; re-running updates them in place. The store account works at the first demo
 * store: its id is deterministic, so accounts and city can be seeded in either order (tests seed
 * only the accounts and never pay for the city).
 */
export async function seedDemoAccounts(ctx: Pick<PlatformContext, 'db' | 'tokens'>): Promise<void> {
  const identity = identityService(ctx.db, ctx.tokens);
  let drivers = 0;
  for (const u of DEMO_USERS) {
    const driverId = u.role === 'driver' ? DEMO_DRIVER_IDS[drivers++] : undefined;
    if (driverId)
      await seedDriverProfile(ctx, {
        id: driverId,
        name: u.name,
        vehicle: drivers === 1 ? 'scooter' : 'bike',
      });
    await identity.upsertUser({
      email: u.email,
      name: u.name,
      role: u.role,
      password: DEMO_PASSWORD,
      ...(u.role === 'store' ? { storeId: DEMO_STORE_ID } : {}),
      ...(driverId ? { driverId } : {}),
      ...('opsLevel' in u ? { opsLevel: u.opsLevel } : {}),
    });
  }
}

/** The accounts only (what tests and the http benchmark sign in with); `seedDemoCity` adds the city. */
export const seedDemo = seedDemoAccounts;

export function hasUsers(ctx: Pick<PlatformContext, 'db' | 'tokens'>): Promise<boolean> {
  return identityService(ctx.db, ctx.tokens).hasUsers();
}
