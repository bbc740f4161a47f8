import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { DEMO_USERS } from '../src/cli/demo-seed.ts';
import { createDatabase, type Database } from '../src/platform/db/pool.ts';
import { holdRows } from './support/held-rows.ts';
import { waitFor } from './support/platform.ts';
import { type DemoDeployment, httpClient, startDemoDeployment } from './support/processes.ts';
import { describeWithServices, natsUrl, redisUrl, testNamespace } from './support/services.ts';

/**
 * Two ops admins change the same settings group at once, each through another API process, both
 * against the version they read: exactly one change is made, the other is told 409 with the
 * version it missed, and both processes then enforce the change that was made (the rate-limit
 * policy: what each says it enforces, and the budget each answers a request with).
 */
const GROUP = '/v1/ops/settings/rate-limits';
const ADMIN = DEMO_USERS.find((u) => 'opsLevel' in u && u.opsLevel === 'admin')?.email ?? '';

type Client = ReturnType<typeof httpClient>;
type Answer = Awaited<ReturnType<Client['call']>>;
type Policy = { tiers: Record<string, Record<string, unknown>> } & Record<string, unknown>;
const withAnonymousLimit = (p: Policy, limit: number): Policy => ({
  ...p,
  tiers: { ...p.tiers, anonymous: { algorithm: 'sliding_window', limit, window_s: 60 } },
});

describeWithServices('settings across processes', { nats: natsUrl(), redis: redisUrl() }, () => {
  let database: Database | undefined;
  let deployment: DemoDeployment | undefined;
  afterAll(async () => {
    await database?.close();
    await deployment?.stop();
  });

  it('two admins change a group at once through two processes: one wins, both enforce it', async () => {
    const env = {
      LASTMILE_NAMESPACE: testNamespace('smp'),
      // The gateway enforces the built-in policy until ops change it.
      LASTMILE_RATE_LIMITS: 'default',
    };
    deployment = await startDemoDeployment(env, { apis: 2, workers: 0, timeoutMs: 90_000 });
    database = createDatabase(deployment.tdb.url, { poolSize: 2 });
    const apis = deployment.apis as [string, string];
    const [one, two] = apis.map(httpClient) as [Client, Client];
    const admin = await one.login(ADMIN);
    const read = await one.call('GET', GROUP, admin);
    expect(read.body).toMatchObject({ version: 0, overridden: false });
    const policy = read.body?.value as Policy;
    const limits = [301, 302] as const;

    // The group's row is held as a change holds it (made if missing), so both changes reach it
    // and wait, each in flight at version 0 when the other commits: the race, every time.
    const db = database.db;
    const row = await holdRows(
      db,
      sql`INSERT INTO ops_settings (id, value, version) VALUES ('rate-limits', NULL, 0)
        ON CONFLICT (id) DO UPDATE SET version = ops_settings.version`,
    );
    const changes = [one, two].map((client, i) =>
      client.call(
        'PUT',
        GROUP,
        admin,
        {
          value: withAnonymousLimit(policy, limits[i] as number),
          version: 0,
          reason: `launch budget from process ${i + 1}`,
        },
        crypto.randomUUID(),
      ),
    );
    await waitFor(
      async () =>
        (
          await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db)
        ).rows[0]?.n === 2,
      20_000,
      'both changes waiting for the row',
    );
    await row.release();
    const answers = await Promise.all(changes);

    expect(answers.map((a) => a.status).toSorted()).toEqual([200, 409]);
    const winner = answers.findIndex((a) => a.status === 200);
    const won = limits[winner] as number;
    const lost = answers[1 - winner] as Answer;
    expect(lost.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(lost.body).toMatchObject({ status: 409, code: 'CONFLICT', current_version: 1 });
    expect(answers[winner]?.body).toMatchObject({
      version: 1,
      overridden: true,
      value: { tiers: { anonymous: { limit: won } } },
    });
    const audited = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log
      WHERE action = 'setting.update' AND target_id = 'rate-limits'`.execute(db);
    expect(audited.rows[0]?.n).toBe(1);

    // Each process, the loser's too, takes the change and enforces it.
    for (const [i, base] of apis.entries()) {
      const client = i === 0 ? one : two;
      const state = await waitFor(
        async () => {
          const s = (await client.call('GET', '/v1/ops/rate-limits', admin)).body;
          return String(s?.source).startsWith('ops settings, version 1') ? s : null;
        },
        10_000,
        `${base} enforcing version 1`,
      );
      expect((state.policy as Policy).tiers.anonymous?.limit).toBe(won);
      const anonymous = await fetch(`${base}/v1/categories`);
      expect(anonymous.status).toBe(200);
      expect(anonymous.headers.get('ratelimit-limit')).toBe(String(won));
      await anonymous.text();
      const stored = await client.call('GET', GROUP, admin);
      expect(stored.body).toMatchObject({
        version: 1,
        value: { tiers: { anonymous: { limit: won } } },
      });
    }
  }, 240_000);
});
