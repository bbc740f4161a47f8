import path from 'node:path';
import { sql } from 'kysely';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { DEMO_CITY, seedDemoCity } from '../src/cli/demo-city.ts';
import { createLastmileClient, unwrap } from '../src/client/index.ts';
import { allModules } from '../src/modules/index.ts';
import { startPlatform } from '../src/platform/boot.ts';
import { benchConfig, freshBenchDatabase, freshBenchNamespace } from './bench-db.ts';
import { consolePages, type PageRun } from './console-page.ts';
import { servePlainCanvas } from './console-plain-canvas.ts';
import { atScale, headlineOf, headToHeadChart } from './head-to-head.ts';
import { alternate, median, round, startWorker } from './load.ts';
import { BENCH_DIR, type BenchFigures, type Benchmark, type Figures } from './result.ts';

// The ops console's live map under a moving city: drivers' phones post a position every second
// through the API (console-movers.mjs) while Chromium shows the map, and each run measures the page's
// frame times and how long a position takes from the phone to a painted pixel (console-page.ts).
// Baseline: a plain canvas drawing the same drivers from the same socket in the same Chromium.

const MOVERS = path.join(BENCH_DIR, 'console-movers.mjs');
const TARGET_FRAME_P95_MS = 33;
const TARGET_UPDATE_P99_MS = 500;
const RADIUS_M = 3_000;
const SCALE = {
  quick: { drivers: 300, measure_s: 5, runs: 3 },
  full: { drivers: 2000, measure_s: 15, runs: 3 },
};

type Scale = (typeof SCALE)['quick'];

interface MoverResult {
  posted: number;
  postErrors: number;
  late_seconds: number;
  seconds: number;
}

async function run(s: Scale): Promise<BenchFigures> {
  // A database and bus of its own: the map shows exactly the demo city and this fleet.
  const database = await freshBenchDatabase('lastmile_bench_console');
  const plain = await servePlainCanvas();
  const env = {
    DATABASE_URL: database.url,
    LASTMILE_WS_ALLOWED_ORIGINS: new URL(plain.url).origin,
    LASTMILE_INSTANCE_ID: 'bench-console',
    LASTMILE_NAMESPACE: await freshBenchNamespace('lastmile_bench_console'),
  };
  const platform = await startPlatform(benchConfig(env, { roles: ['all'] }), {
    modules: allModules,
  });
  try {
    const { db, tokens } = platform.ctx;
    const base = platform.url as string;
    // The demo city (its stores, streets and zones) under the map, and the ops account.
    await seedDemoCity(platform.ctx, database.url);
    await seedDemo(platform.ctx);
    const ops = DEMO_USERS.find((u) => u.role === 'ops' && u.opsLevel === 'admin');
    const opsEmail = ops?.email ?? '';
    const api = createLastmileClient({ baseUrl: base });
    const { access_token: opsToken } = await unwrap(
      api.POST('/v1/auth/token', { body: { email: opsEmail, password: DEMO_PASSWORD } }),
    );
    const ids = (
      await sql<{ id: string }>`INSERT INTO drivers (id, name, vehicle, capacity_items, status)
        SELECT gen_random_uuid(), 'bench-console-' || g, (ARRAY['bike', 'scooter', 'car'])[1 + g % 3], 25, 'available'
        FROM generate_series(1, ${s.drivers}) g RETURNING id`.execute(db)
    ).rows.map((r) => r.id);
    const drivers = [];
    for (const id of ids)
      drivers.push({
        id,
        token: (await tokens.issue({ userId: id, role: 'driver', driverId: id })).token,
      });
    const center = DEMO_CITY.city.center;
    const movers = await startWorker<MoverResult>(MOVERS, {
      base,
      drivers,
      center,
      radius_m: RADIUS_M,
      max_s: 900,
    });
    const pages = await consolePages({
      base,
      opsEmail,
      opsToken,
      drivers: s.drivers,
      center,
      radiusM: RADIUS_M,
      measureS: s.measure_s,
      plainCanvasUrl: plain.url,
    });
    let runs: { ours: PageRun[]; baseline: PageRun[] };
    let moved: MoverResult;
    try {
      runs = await alternate(s.runs, pages.ours, pages.baseline);
    } finally {
      await pages.close();
      moved = await movers.stop();
    }
    return figuresOf(s, moved, runs);
  } finally {
    await platform.stop();
    await database.stop();
    await plain.close();
  }
}

function side(rs: PageRun[]): Figures {
  const med = (f: (r: PageRun) => number, digits = 1) => round(median(rs.map(f)), digits);
  return {
    frame_p50_ms: med((r) => r.frame_p50_ms),
    frame_p95_ms: med((r) => r.frame_p95_ms),
    update_p50_ms: med((r) => r.update_p50_ms),
    update_p99_ms: med((r) => r.update_p99_ms),
    frames: med((r) => r.frames, 0),
    painted_per_s: med((r) => r.painted, 0),
  };
}

function figuresOf(
  s: Scale,
  moved: MoverResult,
  runs: { ours: PageRun[]; baseline: PageRun[] },
): BenchFigures {
  const ours = side(runs.ours);
  const baseline = side(runs.baseline);
  for (const f of [ours, baseline]) f.painted_per_s = round((f.painted_per_s ?? 0) / s.measure_s);
  const frameP95 = ours.frame_p95_ms ?? 0;
  const updateP99 = ours.update_p99_ms ?? 0;
  return {
    scale: { drivers: s.drivers, positions_per_s: s.drivers, measure_s: s.measure_s, runs: s.runs },
    metrics: { ...ours, posted_per_s: round(moved.posted / Math.max(1, moved.seconds)) },
    baseline_name:
      'plain-canvas: one WebSocket to the same stream and a full-window canvas redrawn per animation frame, ' +
      'no framework, no streets or zones, in the same Chromium',
    baseline,
    headline: headlineOf(runs, 'frame_p95_ms', 'lower'),
    ratios: {
      update_p99_baseline_over_ours: round(
        (baseline.update_p99_ms ?? 0) / Math.max(1, updateP99),
        3,
      ),
    },
    targets: {
      frame_p95_ms: {
        goal: `frame p95 <= ${TARGET_FRAME_P95_MS} ms`,
        value: frameP95,
        met: frameP95 > 0 && frameP95 <= TARGET_FRAME_P95_MS,
      },
      update_p99_ms: {
        goal: `position-to-pixel p99 <= ${TARGET_UPDATE_P99_MS} ms`,
        value: updateP99,
        met: updateP99 > 0 && updateP99 <= TARGET_UPDATE_P99_MS,
      },
    },
    invariants: {
      post_errors: moved.postErrors,
      runs_without_paints: [...runs.ours, ...runs.baseline].filter((r) => r.painted === 0).length,
    },
  };
}

export const consoleBench: Benchmark = {
  name: 'console',
  description:
    "The ops console's live city map with 2,000 drivers (quick: 300) posting a position every second through the " +
    'API, in Chromium at 1280×800: frame time p95 (requestAnimationFrame intervals) and position-to-pixel latency p99 ' +
    "(phone's recorded time to the paint that showed it, User Timing measures). Baseline: a plain canvas over the same " +
    'socket in the same Chromium; runs alternate. Ratio = baseline frame p95 ÷ ours. Targets: frame p95 <= 33 ms, ' +
    'position-to-pixel p99 <= 500 ms.',
  run: atScale(SCALE, run),
  chart: headToHeadChart('frame_p95_ms', 'ms (frame p95, median of runs)', {
    baseline: 'plain canvas frame p95',
    ours: 'ops console frame p95',
  }),
};
