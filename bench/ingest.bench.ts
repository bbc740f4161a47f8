import path from 'node:path';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { allModules } from '../src/modules/index.ts';
import { type RunningPlatform, startPlatform } from '../src/platform/boot.ts';
import { median, round, runWorker } from './load.ts';
import { benchConfig } from './bench-db.ts';
import { BENCH_DIR, type BenchFigures, type Benchmark } from './result.ts';

const WORKER = path.join(BENCH_DIR, 'ingest-worker.mjs');
const CENTRE = { lat: 52.52, lng: 13.405 };

const SCALE = {
  quick: { drivers: 2000, connections: 32, duration_s: 3, runs: 1, batch: 10, rawPoints: 100_000 },
  full: {
    drivers: 20_000,
    connections: 64,
    duration_s: 10,
    runs: 3,
    batch: 10,
    rawPoints: 1_000_000,
  },
};

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

/**
 * The raw ceiling: the same kind of points written with nothing but pipelined GEOADD commands
 * (one per point, 1,000 per pipeline) from this process to the same Redis.
 */
async function rawGeoadd(
  redisUrl: string,
  key: string,
  drivers: number,
  points: number,
): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    await redis.del(key);
    const t0 = performance.now();
    for (let done = 0; done < points;) {
      const p = redis.pipeline();
      const n = Math.min(1000, points - done);
      for (let i = 0; i < n; i++) {
        const k = done + i;
        p.geoadd(
          key,
          CENTRE.lng + ((k * 7919) % 3000) / 10_000 - 0.15,
          CENTRE.lat + ((k * 104_729) % 2000) / 10_000 - 0.1,
          `d${k % drivers}`,
        );
      }
      await p.exec();
      done += n;
    }
    const perS = points / ((performance.now() - t0) / 1000);
    await redis.del(key);
    return perS;
  } finally {
    redis.disconnect();
  }
}

type Scale = (typeof SCALE)['quick'];

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const config = benchConfig(
    {
      REDIS_URL: redisUrl,
      LASTMILE_INSTANCE_ID: 'bench-ingest',
      LASTMILE_INGEST_MAX_PENDING: '200000',
    },
    { roles: ['all'] },
  );
  const platform = await startPlatform(config, { modules: allModules });
  try {
    const driverTokens = await freshFleet(platform, s.drivers, redisUrl);
    const rssBefore = process.memoryUsage().rss;
    const runs = await measure(`${platform.url}/v1/drivers/me/locations`, driverTokens, s);
    const rssAfter = process.memoryUsage().rss;
    const raw = [];
    for (let i = 0; i < s.runs; i++)
      raw.push(
        await rawGeoadd(redisUrl, `${config.namespace}:bench:raw-geo`, s.drivers, s.rawPoints),
      );
    const perS = runs.map((r) => r.accepted / r.seconds);
    const best = runs[perS.indexOf(Math.max(...perS))] as WorkerResult;
    const pointsPerS = median(perS);
    const rawPerS = median(raw);
    const indexed = await platform.ctx.geo('drivers').size();
    const stored =
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM driver_locations`.execute(
          platform.ctx.db,
        )
      ).rows[0]?.n ?? 0;
    return {
      scale: {
        drivers: s.drivers,
        points_per_request: s.batch,
        connections: s.connections,
        duration_s: s.duration_s,
        runs: s.runs,
      },
      metrics: {
        points_per_s: round(pointsPerS),
        requests_per_s: round(pointsPerS / s.batch),
        p50_ms: round(best.p50_ms, 2),
        p99_ms: round(best.p99_ms, 2),
        drivers_indexed: indexed,
        history_rows: stored,
        rss_growth_mb: round((rssAfter - rssBefore) / 1024 ** 2, 1),
      },
      baseline: { points_per_s: round(rawPerS) },
      ratio: round(pointsPerS / rawPerS, 3),
      invariants: {
        errors: runs.reduce((n, r) => n + r.errors + r.non2xx, 0),
        valid_points_dropped: runs.reduce((n, r) => n + r.dropped, 0),
      },
    };
  } finally {
    await platform.stop();
  }
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

/** A 2 s warm-up, then the measured runs, each on simulated time after the one before. */
async function measure(url: string, driverTokens: string[], s: Scale): Promise<WorkerResult[]> {
  const load = {
    url,
    tokens: driverTokens,
    connections: s.connections,
    batch: s.batch,
    centre: CENTRE,
  };
  // Simulated time starts an hour back, so a whole run of one-second steps stays in the past.
  let startAt = Date.now() - 3_600_000;
  await drive({ ...load, duration: 2, startAt });
  startAt += 1_200_000;
  const runs: WorkerResult[] = [];
  for (let i = 0; i < s.runs; i++) {
    runs.push(await drive({ ...load, duration: s.duration_s, startAt }));
    startAt += 1_200_000 / (i + 2);
  }
  return runs;
}

export const ingestBench: Benchmark = {
  name: 'ingest',
  description:
    'Driver location points/s through HTTP batches at 20k simulated drivers vs raw pipelined GEOADD',
  run,
  chart: (r) => ({
    unit: 'points/s',
    bars: [
      { label: 'raw GEOADD pipeline', value: r.baseline.points_per_s ?? 0, baseline: true },
      {
        label: `HTTP ingest (${r.scale.points_per_request} points/request)`,
        value: r.metrics.points_per_s ?? 0,
        baseline: false,
      },
    ],
  }),
};
