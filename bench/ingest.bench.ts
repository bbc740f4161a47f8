import path from 'node:path';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { allModules } from '../src/modules/index.ts';
import { type RunningPlatform, startPlatform } from '../src/platform/boot.ts';
import { alternate, median, round, runWorker } from './load.ts';
import { startTextbookIngest } from './ingest-textbook.ts';
import { benchConfig } from './bench-db.ts';
import { BENCH_DIR, type BenchFigures, type Benchmark, type Figures } from './result.ts';

const WORKER = path.join(BENCH_DIR, 'ingest-worker.mjs');
const CENTRE = { lat: 52.52, lng: 13.405 };

const SCALE = {
  quick: { drivers: 2000, connections: 32, duration_s: 2, runs: 3 },
  full: { drivers: 20_000, connections: 64, duration_s: 10, runs: 3 },
};
/** One point per request, as drivers send them; then batches, as a phone back online sends. */
const BATCHES = [1, 10] as const;

interface WorkerResult {
  requests: number;
  points: number;
  accepted: number;
  dropped: number;
  shed: number;
  non2xx: number;
  errors: number;
  seconds: number;
  p50_ms: number;
  p99_ms: number;
}

const drive = (opts: Record<string, unknown>) => runWorker<WorkerResult>(WORKER, opts);

type Scale = (typeof SCALE)['quick'];

type Runs = Record<(typeof BATCHES)[number], { ours: WorkerResult[]; baseline: WorkerResult[] }>;

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  // The default caps (LASTMILE_INGEST_MAX_PENDING and the rest): a shed request is a 503, counted.
  const config = benchConfig(
    { REDIS_URL: redisUrl, LASTMILE_INSTANCE_ID: 'bench-ingest' },
    { roles: ['all'] },
  );
  const platform = await startPlatform(config, { modules: allModules });
  const textbookKey = `${config.namespace}:bench:textbook-geo`;
  const textbook = await startTextbookIngest(redisUrl, platform.ctx.tokens, textbookKey);
  try {
    const driverTokens = await freshFleet(platform, s.drivers, redisUrl);
    const rssBefore = process.memoryUsage().rss;
    const runs = await measure(
      `${platform.url}/v1/drivers/me/locations`,
      textbook.url,
      driverTokens,
      s,
    );
    const rssAfter = process.memoryUsage().rss;
    const indexed = await platform.ctx.geo('drivers').size();
    const stored =
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM driver_locations`.execute(
          platform.ctx.db,
        )
      ).rows[0]?.n ?? 0;
    return figuresOf(s, runs, { indexed, stored, rssMb: (rssAfter - rssBefore) / 1024 ** 2 });
  } finally {
    await textbook.close();
    const redis = new Redis(redisUrl);
    await redis.del(textbookKey);
    redis.disconnect();
    await platform.stop();
  }
}

const perS = (r: WorkerResult) => round(r.accepted / r.seconds);
const med = (rs: WorkerResult[], f: (r: WorkerResult) => number, digits = 0) =>
  round(median(rs.map(f)), digits);

/** One side's figures at one batch size, keys prefixed (`batch10_`) but for one point a request. */
function sideFigures(rs: WorkerResult[], prefix: string): Figures {
  return {
    ...(prefix ? { [`${prefix}points_per_s`]: med(rs, perS) } : {}),
    [`${prefix}requests_per_s`]: med(rs, (r) => r.requests / r.seconds),
    [`${prefix}p50_ms`]: med(rs, (r) => r.p50_ms, 2),
    [`${prefix}p99_ms`]: med(rs, (r) => r.p99_ms, 2),
    [`${prefix}shed_503`]: rs.reduce((n, r) => n + r.shed, 0),
  };
}

function figuresOf(
  s: Scale,
  runs: Runs,
  after: { indexed: number; stored: number; rssMb: number },
): BenchFigures {
  const one = runs[1];
  const many = runs[10];
  const vs = (x: WorkerResult[], y: WorkerResult[]) =>
    round(median(x.map(perS)) / Math.max(1, median(y.map(perS))), 3);
  const oneRatio = vs(one.ours, one.baseline);
  const manyRatio = vs(many.ours, many.baseline);
  const onePerS = median(one.ours.map(perS));
  const oneP99 = med(one.ours, (r) => r.p99_ms, 2);
  const all = [...one.ours, ...one.baseline, ...many.ours, ...many.baseline];
  return {
    scale: {
      drivers: s.drivers,
      points_per_request: 1,
      batched_points_per_request: 10,
      connections: s.connections,
      duration_s: s.duration_s,
      runs: s.runs,
    },
    metrics: {
      ...sideFigures(one.ours, ''),
      ...sideFigures(many.ours, 'batch10_'),
      drivers_indexed: after.indexed,
      history_rows: after.stored,
      rss_growth_mb: round(after.rssMb, 1),
    },
    baseline_name:
      'the textbook endpoint: a minimal Fastify route, same token check and JSON schema, one GEOADD of the newest point per request (ioredis auto-pipelined)',
    baseline: { ...sideFigures(one.baseline, ''), ...sideFigures(many.baseline, 'batch10_') },
    headline: {
      figure: 'points_per_s',
      better: 'higher',
      ours: one.ours.map(perS),
      baseline: one.baseline.map(perS),
    },
    ratios: { batch10_points_per_s_vs_textbook: manyRatio },
    targets: {
      one_point_vs_textbook: {
        goal: '>= 0.5 × the textbook endpoint, 1 point/request',
        value: oneRatio,
        met: oneRatio >= 0.5,
      },
      batch10_vs_textbook: {
        goal: '>= 0.5 × the textbook endpoint, 10 points/request',
        value: manyRatio,
        met: manyRatio >= 0.5,
      },
      one_point_points_per_s: {
        goal: '>= 4,000 points/s at 1 point/request',
        value: round(onePerS),
        met: onePerS >= 4000,
      },
      one_point_p99_ms: {
        goal: 'p99 <= 50 ms at 1 point/request',
        value: oneP99,
        met: oneP99 <= 50,
      },
    },
    invariants: {
      errors: all.reduce((n, r) => n + r.errors + r.non2xx, 0),
      valid_points_dropped: all.reduce((n, r) => n + r.dropped, 0),
    },
  };
}

/** A fresh fleet each run: profiles in one statement, tokens signed locally, an empty index. */
async function freshFleet(
  platform: RunningPlatform,
  drivers: number,
  redisUrl: string,
): Promise<string[]> {
  const { db, tokens, config } = platform.ctx;
  await sql`DELETE FROM driver_locations WHERE driver_id IN (SELECT id FROM drivers WHERE name LIKE 'bench-ingest-%')`.execute(
    db,
  );
  await sql`DELETE FROM drivers WHERE name LIKE 'bench-ingest-%'`.execute(db);
  const ids = (
    await sql<{ id: string }>`INSERT INTO drivers (id, name, vehicle, capacity_items, status)
        SELECT gen_random_uuid(), 'bench-ingest-' || g, 'scooter', 25, 'available' FROM generate_series(1, ${drivers}) g RETURNING id`.execute(
      db,
    )
  ).rows.map((r) => r.id);
  const driverTokens: string[] = [];
  for (const id of ids)
    driverTokens.push((await tokens.issue({ userId: id, role: 'driver', driverId: id })).token);
  const geoKey = `${config.namespace}:geo:drivers`;
  const redis = new Redis(redisUrl);
  await redis.del(geoKey, `${geoKey}:at`);
  redis.disconnect();
  return driverTokens;
}

/**
 * A warm-up of each server, then at each batch size `s.runs` runs of ours and of the textbook
 * endpoint, alternating, with the same fleet, connections and batch. Our runs each take simulated
 * time after the one before, so every point is in order.
 */
async function measure(
  oursUrl: string,
  textbookUrl: string,
  driverTokens: string[],
  s: Scale,
): Promise<Runs> {
  const load = { tokens: driverTokens, connections: s.connections, centre: CENTRE };
  // Simulated time starts 90 minutes back, so every run's one-second steps stay in the past.
  let startAt = Date.now() - 5_400_000;
  const ours = async (batch: number, duration: number) => {
    const r = await drive({ ...load, url: oursUrl, batch, duration, startAt });
    startAt += 600_000;
    return r;
  };
  const textbook = (batch: number, duration: number) =>
    drive({ ...load, url: textbookUrl, batch, duration, startAt: Date.now() });
  await ours(1, 1);
  await textbook(1, 1);
  const runs = {} as Runs;
  for (const batch of BATCHES)
    runs[batch] = await alternate(
      s.runs,
      () => ours(batch, s.duration_s),
      () => textbook(batch, s.duration_s),
    );
  return runs;
}

export const ingestBench: Benchmark = {
  name: 'ingest',
  description:
    'Driver location uploads through HTTP at the default caps (20k simulated drivers; quick: 2,000): the headline ' +
    'sends one point per request, as drivers do; batches of 10 points are a second figure. Baseline: the textbook ' +
    'endpoint beside it (a minimal Fastify route, the same token check and JSON schema, one GEOADD of the newest ' +
    'point per request, ioredis auto-pipelined), same connections and batch size, runs alternating. Ours also ' +
    'filters each point, stores history and applies back-pressure: shed requests (503) are counted.',
  run,
  chart: (r) => ({
    unit: 'points/s (median)',
    bars: [
      { label: 'textbook, 1 point/req', value: r.baseline.points_per_s ?? 0, baseline: true },
      { label: 'lastmile, 1 point/req', value: r.metrics.points_per_s ?? 0, baseline: false },
      {
        label: 'textbook, 10 points/req',
        value: r.baseline.batch10_points_per_s ?? 0,
        baseline: true,
      },
      {
        label: 'lastmile, 10 points/req',
        value: r.metrics.batch10_points_per_s ?? 0,
        baseline: false,
      },
    ],
  }),
};
