import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { createLastmileClient, unwrap } from '../src/client/index.ts';
import { allModules } from '../src/modules/index.ts';
import { type RunningPlatform, startPlatform } from '../src/platform/boot.ts';
import { type LoadOptions, type LoadResult, median, runLoad, round, startBare } from './load.ts';
import { benchConfig } from './bench-db.ts';
import { type BenchFigures, type Benchmark } from './result.ts';

// ~50 connections keeps a 2-core machine saturated without measuring queueing alone.
const SCALE = {
  quick: { connections: 50, duration_s: 3, runs: 3, warmup_s: 1 },
  full: { connections: 50, duration_s: 10, runs: 5, warmup_s: 3 },
};

type Target = 'baseline' | 'me' | 'health';
const ORDER: readonly Target[] = ['baseline', 'me', 'health'];

/**
 * The real platform with every module, as `npm start` runs it but with logging off and its own data
 * dir (so embedded Postgres never clashes with a dev instance's `.lastmile`) and its own namespace
 * (so a shared REDIS_URL/NATS_URL sees no dev keys or streams).
 */
async function startOurs(): Promise<{ platform: RunningPlatform; url: string; token: string }> {
  const config = benchConfig(
    { LASTMILE_INSTANCE_ID: process.env.LASTMILE_INSTANCE_ID || 'bench' },
    { roles: ['all'] },
  );
  const platform = await startPlatform(config, { modules: allModules });
  try {
    if (!platform.url) throw new Error('platform started without an HTTP listener');
    await seedDemo(platform.ctx);
    const customer = DEMO_USERS.find((u) => u.role === 'customer');
    const api = createLastmileClient({ baseUrl: platform.url });
    const session = await unwrap(
      api.POST('/v1/auth/token', {
        body: { email: customer?.email ?? '', password: DEMO_PASSWORD },
      }),
    );
    return { platform, url: platform.url, token: session.access_token };
  } catch (err) {
    await platform.stop();
    throw err;
  }
}

/** One request per target before any load, so a wrong route or token fails loudly, not as non-2xx. */
async function probe(targets: Record<Target, LoadOptions>): Promise<void> {
  for (const [name, t] of Object.entries(targets)) {
    const res = await fetch(t.url, { headers: t.headers ?? {} });
    if (res.status !== 200)
      throw new Error(`${name}: GET ${t.url} answered ${res.status}: ${await res.text()}`);
  }
}

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  // Both servers live in this process, so they compete for the same CPU the same way.
  const bare = await startBare();
  let ours: Awaited<ReturnType<typeof startOurs>> | undefined;
  try {
    ours = await startOurs();
    const base = { connections: s.connections, duration_s: s.duration_s };
    const targets: Record<Target, LoadOptions> = {
      baseline: { ...base, url: `${bare.url}/` },
      me: { ...base, url: `${ours.url}/v1/me`, headers: { authorization: `Bearer ${ours.token}` } },
      health: { ...base, url: `${ours.url}/health` },
    };
    await probe(targets);
    const runs: Record<Target, LoadResult[]> = { baseline: [], me: [], health: [] };
    let errors = 0;
    const count = (r: LoadResult) => {
      errors += r.non2xx + r.errors + r.timeouts;
      return r;
    };
    // Warm-up (JIT, connection pools, caches) counts toward errors but not toward the figures.
    for (const t of ORDER) count(await runLoad({ ...targets[t], duration_s: s.warmup_s }));
    // Alternate the targets so drift in the machine (thermal, neighbours) hits each side alike.
    for (let i = 0; i < s.runs; i++) {
      for (const t of ORDER) runs[t].push(count(await runLoad(targets[t])));
    }
    const med = (t: Target, k: keyof LoadResult, digits = 0) =>
      round(median(runs[t].map((r) => r[k])), digits);
    const metrics = {
      p50_ms: med('me', 'p50_ms', 2),
      p90_ms: med('me', 'p90_ms', 2),
      p99_ms: med('me', 'p99_ms', 2),
      health_rps: med('health', 'rps'),
      health_p99_ms: med('health', 'p99_ms', 2),
    };
    const baseline = {
      p50_ms: med('baseline', 'p50_ms', 2),
      p90_ms: med('baseline', 'p90_ms', 2),
      p99_ms: med('baseline', 'p99_ms', 2),
    };
    return {
      scale: { connections: s.connections, duration_s: s.duration_s, runs: s.runs },
      metrics,
      baseline_name: 'bare Fastify, one constant JSON route, in the same process',
      baseline,
      headline: {
        figure: 'rps',
        better: 'higher',
        ours: runs.me.map((r) => round(r.rps)),
        baseline: runs.baseline.map((r) => round(r.rps)),
      },
      invariants: { errors },
    };
  } finally {
    await ours?.platform.stop();
    await bare.close();
  }
}

export const httpBench: Benchmark = {
  name: 'http',
  description:
    'Authenticated `GET /v1/me` through the full stack (JWT auth, hooks, request logging at level silent, metrics, ' +
    'one Postgres read) and `GET /health` (no auth, no database), against a bare Fastify server with one constant ' +
    'JSON route in the same process. autocannon runs in its own process; runs alternate baseline / ours and the ' +
    'median is reported.',
  run,
  chart: (r) => ({
    unit: 'req/s (median)',
    bars: [
      { label: 'GET /v1/me (full stack)', value: r.metrics.rps ?? 0, baseline: false },
      { label: 'GET /health (full stack)', value: r.metrics.health_rps ?? 0, baseline: false },
      { label: 'bare Fastify GET /', value: r.baseline.rps ?? 0, baseline: true },
    ],
  }),
};
