import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { describeWithServices, natsUrl, testNamespace } from '../../../test/support/services.ts';
import { startPlatform } from '../boot.ts';
import { loadConfig } from '../config.ts';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

/** Starts a process of `roles` on the test database and answers its connections' statement limit. */
async function statementTimeoutOf(roles: string, nats: string): Promise<string | undefined> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: tdb.url,
    NATS_URL: nats,
    LASTMILE_NAMESPACE: testNamespace('timeouts'),
    LASTMILE_ROLES: roles,
    PORT: '0',
  });
  const p = await startPlatform(config, { modules: [], workflows: false, listen: false });
  try {
    const r = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(p.ctx.db);
    return r.rows[0]?.statement_timeout;
  } finally {
    await p.stop();
  }
}

describeWithServices('statement limits per role', { nats: natsUrl() }, ({ nats }) => {
  it('gives an api process the short limit and a worker process the long one', async () => {
    expect(await statementTimeoutOf('api', nats)).toBe('5s');
    expect(await statementTimeoutOf('worker', nats)).toBe('1min');
    // One process of both roles shares its pool with jobs: the worker's limit.
    expect(await statementTimeoutOf('all', nats)).toBe('1min');
  });
});

it('reads each role limit from its own setting', () => {
  const env = {
    LASTMILE_DB_API_STATEMENT_TIMEOUT_MS: '1500',
    LASTMILE_DB_WORKER_STATEMENT_TIMEOUT_MS: '90000',
    NATS_URL: 'nats://127.0.0.1:4222',
    DATABASE_URL: 'postgres://127.0.0.1/x',
  };
  expect(loadConfig(env, { roles: ['api'] }).dbTimeouts.statementMs).toBe(1500);
  expect(loadConfig(env, { roles: ['worker'] }).dbTimeouts.statementMs).toBe(90_000);
  expect(loadConfig(env, { roles: ['api', 'worker'] }).dbTimeouts.statementMs).toBe(90_000);
});
