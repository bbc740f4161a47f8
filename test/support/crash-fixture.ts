import { afterAll, beforeAll } from 'vitest';
import { DEMO_PASSWORD } from '../../src/cli/demo-seed.ts';
import { identityService } from '../../src/modules/identity/index.ts';
import { inventoryService } from '../../src/modules/inventory/index.ts';
import { createTokenIssuer } from '../../src/platform/auth/tokens.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabase, type Database } from '../../src/platform/db/pool.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import type { httpClient, LastmileProcess } from './processes.ts';
import { ALWAYS_OPEN } from './shop.ts';

/** A crash test's world: its own database, a pool to inspect it, and the lastmile process it kills. */
export interface CrashFixture {
  tdb: TestDatabase;
  database: Database;
  /** The running process; the test replaces it after each kill. Stopped after the file. */
  proc: LastmileProcess | null;
}

/** Creates the database before the file's tests and stops the process and drops everything after. */
export function crashFixture(): CrashFixture {
  const f = { proc: null } as CrashFixture;
  beforeAll(async () => {
    f.tdb = await createTestDatabase();
    f.database = createDatabase(f.tdb.url, { poolSize: 4 });
  });
  afterAll(async () => {
    await f.proc?.stop();
    await f.database?.close();
    await f.tdb?.drop();
  });
  return f;
}

/** A crash test's store: its id, its one product's, and its staff's token. */
export interface CrashStore {
  storeId: string;
  productId: string;
  staff: string;
}

/**
 * A store of its own at `at` that prepares at once (ops open it over the API), one product with 10
 * in stock, and a staff account signed in (`tag` names them: `<tag>-staff@test.lastmile.dev`).
 */
export async function openCrashStore(
  f: CrashFixture,
  client: ReturnType<typeof httpClient>,
  ops: string,
  o: { tag: string; at: { lat: number; lng: number } },
): Promise<CrashStore> {
  const { call, login } = client;
  await call('PUT', '/v1/categories/groceries', ops, { name: 'Groceries' });
  const store = (
    await call('POST', '/v1/stores', ops, {
      name: `Crash store ${o.tag}`,
      ...o.at,
      zone: { radius_m: 5000 },
      opening_hours: ALWAYS_OPEN,
      avg_prep_s: 0,
    })
  ).body as { id: string };
  const product = (
    await call('POST', '/v1/products', ops, {
      sku: `${o.tag.toUpperCase()}-1`,
      name: 'Crash item',
      category_id: 'groceries',
      price_minor: 500,
      currency: 'EUR',
    })
  ).body as { id: string };
  await inventoryService({ db: f.database.db, clock: { now: Date.now } }).setLevels(
    [{ storeId: store.id, productId: product.id, onHand: 10 }],
    { kind: 'count', reason: 'crash test', actor: 'test' },
  );
  const email = `${o.tag}-staff@test.lastmile.dev`;
  const tokens = createTokenIssuer(loadConfig({}).jwtSecret, 3600);
  await identityService(f.database.db, tokens).upsertUser({
    email,
    name: 'Staff',
    role: 'store',
    password: DEMO_PASSWORD,
    storeId: store.id,
  });
  return { storeId: store.id, productId: product.id, staff: await login(email) };
}
