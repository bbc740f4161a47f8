import path from 'node:path';
import { sql } from 'kysely';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { createLastmileClient, unwrap } from '../src/client/index.ts';
import { allModules } from '../src/modules/index.ts';
import { startPlatform } from '../src/platform/boot.ts';
import { etaErrorSimulation } from './eta-error.ts';
import { round, runWorker } from './load.ts';
import { benchConfig } from './bench-db.ts';
import { BENCH_DIR, type BenchFigures, type Benchmark } from './result.ts';

const WORKER = path.join(BENCH_DIR, 'tracking-worker.mjs');
const TARGET_P99_MS = 500;
const SCALE = {
  quick: { drivers: 100, subscribers: 500, duration_s: 5 },
  full: { drivers: 1000, subscribers: 5000, duration_s: 15 },
};

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

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
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
    const r = await runWorker<WorkerResult>(WORKER, {
      base: platform.url,
      opsToken,
      orders,
      drivers: driverTokens,
      subscribers: s.subscribers,
      duration: s.duration_s,
    });
    await sql`DELETE FROM tracking_orders WHERE default_prep_s = 301`.execute(db);
    // Each subscriber should see about one position a second of its order's driver.
    const expected = s.subscribers * Math.floor(r.seconds);
    const etaError = etaErrorSimulation();
    return {
      scale: {
        subscribers: s.subscribers,
        drivers: s.drivers,
        orders: orders.length,
        duration_s: s.duration_s,
        bus: config.natsUrl ? 1 : 0,
      },
      metrics: {
        p50_ms: round(r.p50_ms, 1),
        p90_ms: round(r.p90_ms, 1),
        p99_ms: round(r.p99_ms, 1),
        messages_per_s: round(r.received / r.seconds),
        delivered_share: round(r.received / Math.max(1, expected), 3),
        connected: r.connected,
        eta_mae_min: round(etaError.ours_mae_min, 2),
        eta_p90_error_min: round(etaError.ours_p90_min, 2),
      },
      baseline: {
        p99_ms: TARGET_P99_MS,
        naive_eta_mae_min: round(etaError.naive_mae_min, 2),
        naive_eta_p90_error_min: round(etaError.naive_p90_min, 2),
      },
      ratio: round(TARGET_P99_MS / Math.max(1, r.p99_ms), 3),
      invariants: { connect_errors: r.connectErrors, post_errors: r.postErrors },
    };
  } finally {
    await platform.stop();
  }
}

export const trackingBench: Benchmark = {
  name: 'tracking',
  description:
    'Latency from a driver location POST to its arrival at 5,000 WebSocket subscribers (1,000 drivers moving)',
  run,
  chart: (r) => ({
    unit: 'ms',
    bars: [
      { label: 'target p99', value: r.baseline.p99_ms ?? 0, baseline: true },
      { label: 'p50', value: r.metrics.p50_ms ?? 0, baseline: false },
      { label: 'p99', value: r.metrics.p99_ms ?? 0, baseline: false },
    ],
  }),
};
