import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_SIM, type SimConfig } from '../../sim/config.ts';
import { makePlan } from '../../sim/plan.ts';
import { DEFAULT_OPS } from '../../sim/run.ts';
import { runWorld } from '../../sim/world.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startPrivateNats, type PrivateNats } from '../support/nats-server.ts';
import {
  processEnv,
  type SplitDeployment,
  seedDemoInto,
  startSplitDeployment,
} from '../support/processes.ts';
import { type PrivateRedis, startPrivateRedis } from '../support/redis-server.ts';
import { describeWithServices, natsUrl, redisUrl, testNamespace } from '../support/services.ts';

/**
 * A small rush through two API processes and one worker on real Postgres, Redis and NATS, driven by
 * the simulator, while the processes are killed with kill -9, NATS restarts, Redis pauses and
 * Postgres drops every connection. Afterwards every invariant of the simulator holds: nothing
 * oversold, every accepted order ended, delivered ones captured once, canceled ones given back,
 * no courier on two trips, the ledger reconciles, no duplicate order.
 */
const ACCEPT_TIMEOUT_S = 120;
/** Declined orders wait this long for another card, so the drain does not wait out the default. */
const PAYMENT_RETRY_GRACE_S = 60;

/** A short, dense evening: about 50 orders in three minutes in a small neighbourhood, couriers close by. */
const CHAOS_EVENING: SimConfig = {
  ...DEFAULT_SIM,
  seed: 7,
  ordersPerHour: 360,
  rushFactor: 4,
  normalMin: 0.5,
  rushMin: 2,
  afterMin: 0.5,
  drainMin: 8,
  stores: 3,
  productsPerStore: 20,
  customers: 80,
  drivers: 60,
  cityRadiusM: 400,
  zoneRadiusM: 700,
  prepMeanS: 30,
  handoverS: 10,
};

// Needs Redis and NATS (set in CI); it runs its own private servers of both.
const services = { nats: natsUrl(), redis: redisUrl() };

describeWithServices('failure suite: a rush under faults', services, () => {
  let tdb: TestDatabase | undefined;
  let nats: PrivateNats | undefined;
  let redis: PrivateRedis | undefined;
  let deployment: SplitDeployment | undefined;
  afterAll(async () => {
    await deployment?.stop();
    await nats?.stop();
    await redis?.stop();
    await tdb?.drop();
  });

  it('2 API processes + 1 worker keep every promise through kill -9, a NATS restart, a Redis pause and dropped database connections', async () => {
    tdb = await createTestDatabase();
    await seedDemoInto(tdb.url);
    [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    const env = processEnv(tdb.url, {
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      LASTMILE_NAMESPACE: testNamespace('chaos'),
      LASTMILE_ACCEPT_TIMEOUT_S: String(ACCEPT_TIMEOUT_S),
      LASTMILE_PAYMENT_RETRY_GRACE_S: String(PAYMENT_RETRY_GRACE_S),
    });
    deployment = await startSplitDeployment(env, { apis: 2, workers: 1, timeoutMs: 90_000 });
    const killAndRestart = (name: string) => (deployment as SplitDeployment).crashAndRestart(name);

    const faults: string[] = [];
    const at = (s: number, startedAt: number) =>
      new Promise((r) => setTimeout(r, Math.max(0, startedAt + s * 1000 - Date.now())));
    const terminateConnections = async () => {
      const admin = new pg.Client({ connectionString: tdb?.url });
      await admin.connect();
      const res = await admin.query(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await admin.end();
      return res.rows[0]?.n as number;
    };
    const plan = makePlan(CHAOS_EVENING);
    const result = await runWorld({
      label: 'chaos',
      bases: deployment.apis,
      databaseUrl: tdb.url,
      ops: DEFAULT_OPS,
      cfg: CHAOS_EVENING,
      plan,
      tag: 'chaos',
      acceptTimeoutS: ACCEPT_TIMEOUT_S,
      paymentRetryGraceS: PAYMENT_RETRY_GRACE_S,
      log: (m) => console.log(m),
      during: async (state) => {
        const t0 = state.startedAt;
        const schedule: Array<[number, string, () => Promise<unknown>]> = [
          [15, 'kill -9 worker-1', () => killAndRestart('worker-1')],
          [35, 'kill -9 api-1', () => killAndRestart('api-1')],
          [55, 'restart NATS', () => nats?.restart(1500) ?? Promise.resolve()],
          [75, 'pause Redis 4 s', () => redis?.pause(4000) ?? Promise.resolve()],
          [
            95,
            'terminate every Postgres connection',
            async () => faults.push(`  (${await terminateConnections()} connections)`),
          ],
          [115, 'kill -9 worker-1', () => killAndRestart('worker-1')],
          [135, 'kill -9 api-2', () => killAndRestart('api-2')],
          [
            150,
            'kill -9 worker-1 and api-1 together',
            () => Promise.all([killAndRestart('worker-1'), killAndRestart('api-1')]),
          ],
        ];
        for (const [s, name, run] of schedule) {
          await at(s, t0);
          if (state.stopping) return;
          faults.push(`t=${s}s ${name}`);
          console.log(`fault: ${name}`);
          await run();
        }
      },
    });
    console.log(`faults injected:\n${faults.join('\n')}`);
    const outcome = Object.fromEntries(result.state.outcomes);
    const statuses = [...result.finalStatus.values()].reduce<Record<string, number>>(
      (m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }),
      {},
    );
    console.log(
      JSON.stringify(
        {
          outcome,
          statuses,
          network_errors: result.stats.networkErrors,
          codes: Object.fromEntries(result.stats.codes),
        },
        null,
        2,
      ),
    );

    expect(faults.filter((f) => f.startsWith('t=')).length).toBe(8);
    // Enough happened for the faults to hit work in flight.
    expect(result.state.orders.size).toBeGreaterThan(25);
    expect(statuses.delivered ?? 0).toBeGreaterThan(10);
    expect(result.state.agentErrors).toEqual([]);
    const broken = result.invariants.filter((i) => !i.ok);
    expect(broken, JSON.stringify(broken, null, 2)).toEqual([]);
    // No 5xx reached a customer's app except while a process it talked to was being killed:
    // those requests got no answer (network errors, retried with the same key), never a 500.
    expect(result.stats.statuses.get('500') ?? 0).toBe(0);
  }, 900_000);
});
