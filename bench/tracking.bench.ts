import path from 'node:path';
import { sql } from 'kysely';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { createLastmileClient, unwrap } from '../src/client/index.ts';
import { allModules } from '../src/modules/index.ts';
import { startPlatform } from '../src/platform/boot.ts';
import { etaErrorSimulation } from './eta-error.ts';
import { atScale, headlineOf, headToHeadChart } from './head-to-head.ts';
import { alternate, median, round, runWorker } from './load.ts';
import { startBareFanout } from './tracking-bare.ts';
import { benchConfig } from './bench-db.ts';
import { BENCH_DIR, type BenchFigures, type Benchmark, type Figures } from './result.ts';

const WORKER = path.join(BENCH_DIR, 'tracking-worker.mjs');
const TARGET_P99_MS = 500;
const SCALE = {
  quick: { drivers: 100, subscribers: 500, duration_s: 4, runs: 3 },
  full: { drivers: 1000, subscribers: 5000, duration_s: 15, runs: 3 },
};

type Scale = (typeof SCALE)['quick'];

interface WorkerResult {
  connected: number;
  connectErrors: number;
  postErrors: number;
  received: number;
  seconds: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
}

async function run(s: Scale): Promise<BenchFigures> {
  const config = benchConfig({ LASTMILE_INSTANCE_ID: 'bench-tracking' }, { roles: ['all'] });
  const platform = await startPlatform(config, { modules: allModules });
  try {
    const { db, tokens } = platform.ctx;
    await seedDemo(platform.ctx);
    const opsUser = DEMO_USERS.find((u) => u.role === 'ops');
    const api = createLastmileClient({ baseUrl: platform.url as string });
    const { access_token: opsToken } = await unwrap(
      api.POST('/v1/auth/token', {
        body: { email: opsUser?.email ?? '', password: DEMO_PASSWORD },
      }),
    );
    // Orders in flight, each with its driver: the tracking rows dispatch and orders would have made.
    await sql`DELETE FROM tracking_orders WHERE default_prep_s = 301`.execute(db);
    await sql`DELETE FROM drivers WHERE name LIKE 'bench-tracking-%'`.execute(db);
    const drivers = (
      await sql<{
        id: string;
        lat: number;
        lng: number;
      }>`INSERT INTO drivers (id, name, vehicle, capacity_items, status)
        SELECT gen_random_uuid(), 'bench-tracking-' || g, 'scooter', 25, 'on_delivery' FROM generate_series(1, ${s.drivers}) g
        RETURNING id, 52.4 + random() * 0.2 AS lat, 13.3 + random() * 0.2 AS lng`.execute(db)
    ).rows;
    const orders = (
      await sql<{
        order_id: string;
      }>`INSERT INTO tracking_orders (order_id, store_id, customer_id, driver_id, vehicle, status, order_status, delivery_status, store_lat, store_lng, dropoff_lat, dropoff_lng, default_prep_s, accepted_at, ready_at)
        SELECT gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), d.id, 'scooter', 'picked_up', 'picked_up', 'picked_up', 52.5, 13.4, 52.52, 13.42, 301, now() - interval '15 minutes', now() - interval '5 minutes'
        FROM unnest(${drivers.map((d) => d.id)}::uuid[]) AS d(id) RETURNING order_id`.execute(db)
    ).rows.map((r) => r.order_id);
    const driverTokens = [];
    for (const d of drivers)
      driverTokens.push({
        ...d,
        token: (await tokens.issue({ userId: d.id, role: 'driver', driverId: d.id })).token,
      });
    const bare = await startBareFanout(new Map(drivers.map((d, k) => [d.id, orders[k] as string])));
    const load = {
      opsToken,
      orders,
      drivers: driverTokens,
      subscribers: s.subscribers,
      duration: s.duration_s,
    };
    const runs = await alternate(
      s.runs,
      () => runWorker<WorkerResult>(WORKER, { ...load, base: platform?.url }),
      () => runWorker<WorkerResult>(WORKER, { ...load, base: bare.base, mode: 'bare' }),
    ).finally(() => bare.close());
    await sql`DELETE FROM tracking_orders WHERE default_prep_s = 301`.execute(db);
    return figuresOf(s, orders.length, config.natsUrl ? 1 : 0, runs);
  } finally {
    await platform.stop();
  }
}

type Runs = { ours: WorkerResult[]; baseline: WorkerResult[] };

function sideFigures(s: Scale, rs: WorkerResult[]): Figures {
  const med = (f: (r: WorkerResult) => number, digits = 0) => round(median(rs.map(f)), digits);
  // Each subscriber should see about one position a second of its order's driver.
  return {
    p50_ms: med((r) => r.p50_ms, 1),
    p90_ms: med((r) => r.p90_ms, 1),
    messages_per_s: med((r) => r.received / r.seconds),
    delivered_share: med((r) => r.received / Math.max(1, s.subscribers * Math.floor(r.seconds)), 3),
    connected: med((r) => r.connected),
  };
}

function figuresOf(s: Scale, orders: number, bus: number, runs: Runs): BenchFigures {
  const eta = etaErrorSimulation();
  const oursP99 = median(runs.ours.map((r) => r.p99_ms));
  const sum = (f: (r: WorkerResult) => number) =>
    [...runs.ours, ...runs.baseline].reduce((n, r) => n + f(r), 0);
  return {
    scale: {
      subscribers: s.subscribers,
      drivers: s.drivers,
      orders,
      duration_s: s.duration_s,
      runs: s.runs,
      bus,
    },
    metrics: {
      ...sideFigures(s, runs.ours),
      eta_mae_min: round(eta.ours_mae_min, 2),
      eta_p90_error_min: round(eta.ours_p90_min, 2),
      naive_eta_mae_min: round(eta.naive_mae_min, 2),
      naive_eta_p90_error_min: round(eta.naive_p90_min, 2),
      honest_naive_eta_mae_min: round(eta.honest_naive_mae_min, 2),
      honest_naive_eta_p90_error_min: round(eta.honest_naive_p90_min, 2),
    },
    baseline_name:
      'a bare `ws` server fanning the same positions out to the same number of sockets (no auth, no bus)',
    baseline: sideFigures(s, runs.baseline),
    headline: headlineOf(runs, 'p99_ms', 'lower'),
    ratios: {
      messages_per_s_vs_bare: round(
        median(runs.ours.map((r) => r.received / r.seconds)) /
          Math.max(1, median(runs.baseline.map((r) => r.received / r.seconds))),
        3,
      ),
      eta_mae_naive_over_ours: round(eta.naive_mae_min / eta.ours_mae_min, 3),
      eta_mae_honest_naive_over_ours: round(eta.honest_naive_mae_min / eta.ours_mae_min, 3),
    },
    targets: {
      p99_ms: {
        goal: `p99 <= ${TARGET_P99_MS} ms`,
        value: round(oursP99, 1),
        met: oursP99 <= TARGET_P99_MS,
      },
    },
    invariants: {
      connect_errors: sum((r) => r.connectErrors),
      post_errors: sum((r) => r.postErrors),
    },
  };
}

export const trackingBench: Benchmark = {
  name: 'tracking',
  description:
    'Latency from a driver location POST to its arrival at 5,000 WebSocket subscribers, 1,000 drivers moving (quick: ' +
    '500 and 100), through the full stack (auth, ingest, bus, tracking socket). Baseline: a bare `ws` server in the ' +
    'same process fanning the same positions out to the same number of sockets, no auth and no bus; runs alternate. ' +
    'Ratio = baseline p99 ÷ our p99; messages/s delivered for both. The 500 ms p99 is a target. ETA error on ' +
    'simulated deliveries (bench/eta-error.ts) beside it: ours, the old naive ETA (straight-line distance at 5 m/s) ' +
    "and the honest naive one (the store's mean preparation time plus straight-line distance at the fleet's mean speed).",
  run: atScale(SCALE, run),
  chart: headToHeadChart('p99_ms', 'ms (p99, median of runs)', {
    baseline: 'bare ws fan-out p99',
    ours: 'lastmile p99',
  }),
};
