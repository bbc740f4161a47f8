import { afterAll, beforeAll } from 'vitest';
import { createDatabase, type Database } from '../../src/platform/db/pool.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import type { LastmileProcess } from './processes.ts';

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
