import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { DEMO_STORE_ID, seedDemoCity } from '../src/cli/demo-city.ts';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../src/cli/demo-seed.ts';
import { createLastmileClient, unwrap } from '../src/client/index.ts';
import { allModules } from '../src/modules/index.ts';
import { type RunningPlatform, startPlatform } from '../src/platform/boot.ts';
import { type LoadOptions, type LoadResult, median, runLoad, round, startBare } from './load.ts';
import { againstBare } from './bare-baseline.ts';
import { benchConfig } from './bench-db.ts';
import { type BenchFigures, type Benchmark } from './result.ts';

// ~50 connections keeps a 2-core machine saturated without measuring queueing alone.
const SCALE = {
  quick: { connections: 50, duration_s: 3, runs: 3, warmup_s: 1 },
  full: { connections: 50, duration_s: 10, runs: 5, warmup_s: 3 },
};

type Target = 'baseline' | 'me' | 'order' | 'health';
const ORDER: readonly Target[] = ['baseline', 'me', 'order', 'health'];

/**
 * A policy the load never exhausts: every request is still checked against Redis (one shared
 * budget, as deployed), it is just never refused.
 */
const UNREFUSED_POLICY = {
  on_redis_failure: 'local',
  role_tiers: Object.fromEntries(
    ['anonymous', 'customer', 'driver', 'store', 'partner', 'ops'].map((r) => [r, 'bench']),
  ),
  tiers: { bench: { algorithm: 'sliding_window', limit: 1_000_000_000, window_s: 60 } },
  routes: [],
  exempt: [],
};

interface Ours {
  platform: RunningPlatform;
  url: string;
  token: string;
  orderId: string;
  /** Where the access log went; its lines are counted after the runs. */
  logFile: string;
  dir: string;
}

/** An order of the demo customer at the demo store, to read back by id. */
async function placeOrder(url: string, token: string): Promise<string> {
  const api = createLastmileClient({ baseUrl: url, token });
  const page = await unwrap(
    api.GET('/v1/stores/{id}/products', { params: { path: { id: DEMO_STORE_ID } } }),
  );
  const item = page.items.find((i) => i.available > 0);
  if (!item) throw new Error('the demo store has nothing in stock');
  const order = await unwrap(
    api.POST('/v1/orders', {
      params: { header: { 'idempotency-key': `http-bench-${Date.now()}` } },
      body: {
        store_id: DEMO_STORE_ID,
        lines: [{ product_id: item.product.id, quantity: 1 }],
        delivery: { lat: 52.521, lng: 13.41, address: 'Benchmark street 1' },
        payment: { card_token: 'tok_visa' },
      },
    }),
  );
  return order.id;
}

/**
 * The real platform with every module, as `npm start` runs it: logging at info with its access
 * line per request (to a file, as a log collector would take it), the gateway's rate limiter on
 * Redis when REDIS_URL is set (in-process otherwise), metrics on; its own data dir and namespace.
 */
async function startOurs(): Promise<Ours> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lastmile-http-bench-'));
  const policy = path.join(dir, 'rate-limits.json');
  writeFileSync(policy, JSON.stringify(UNREFUSED_POLICY));
  const logFile = path.join(dir, 'access.log');
  const config = benchConfig(
    {
      LASTMILE_INSTANCE_ID: process.env.LASTMILE_INSTANCE_ID || 'bench',
      LOG_LEVEL: 'info',
      LASTMILE_RATE_LIMITS: policy,
    },
    { roles: ['all'] },
  );
  const platform = await startPlatform(config, {
    modules: allModules,
    logDestination: pino.destination({ dest: logFile, sync: false }),
  });
  try {
    if (!platform.url) throw new Error('platform started without an HTTP listener');
    await seedDemo(platform.ctx);
    await seedDemoCity(platform.ctx, platform.databaseUrl);
    const customer = DEMO_USERS.find((u) => u.role === 'customer');
    const api = createLastmileClient({ baseUrl: platform.url });
    const session = await unwrap(
      api.POST('/v1/auth/token', {
        body: { email: customer?.email ?? '', password: DEMO_PASSWORD },
      }),
    );
    const token = session.access_token;
    const orderId = await placeOrder(platform.url, token);
    return { platform, url: platform.url, token, orderId, logFile, dir };
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
      order: {
        ...base,
        url: `${ours.url}/v1/orders/${ours.orderId}`,
        headers: { authorization: `Bearer ${ours.token}` },
      },
      health: { ...base, url: `${ours.url}/health` },
    };
    await probe(targets);
    const runs: Record<Target, LoadResult[]> = { baseline: [], me: [], order: [], health: [] };
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
    const served = ORDER.filter((t) => t !== 'baseline')
      .flatMap((t) => runs[t])
      .reduce((n, r) => n + r.total, 0);
    await ours.platform.stop();
    const stoppedOurs = ours;
    ours = undefined;
    const accessLines = readFileSync(stoppedOurs.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"msg":"request"')).length;
    rmSync(stoppedOurs.dir, { recursive: true, force: true });
    return figuresOf(s, runs, { errors, served, accessLines });
  } finally {
    if (ours) {
      await ours.platform.stop();
      rmSync(ours.dir, { recursive: true, force: true });
    }
    await bare.close();
  }
}

/** The figures of the runs: `/v1/me` is the headline, the order read and `/health` are ratios. */
function figuresOf(
  s: (typeof SCALE)['quick'],
  runs: Record<Target, LoadResult[]>,
  c: { errors: number; served: number; accessLines: number },
): BenchFigures {
  const med = (t: Target, k: keyof LoadResult, digits = 0) =>
    round(median(runs[t].map((r) => r[k])), digits);
  const ratio = (t: Target) => round(med(t, 'rps') / med('baseline', 'rps'), 3);
  const metrics = {
    p50_ms: med('me', 'p50_ms', 2),
    p90_ms: med('me', 'p90_ms', 2),
    p99_ms: med('me', 'p99_ms', 2),
    order_rps: med('order', 'rps'),
    order_p99_ms: med('order', 'p99_ms', 2),
    health_rps: med('health', 'rps'),
    health_p99_ms: med('health', 'p99_ms', 2),
    access_log_lines: c.accessLines,
  };
  return {
    scale: { connections: s.connections, duration_s: s.duration_s, runs: s.runs },
    metrics,
    ...againstBare(runs.me, runs.baseline),
    ratios: { order_by_id_vs_bare: ratio('order'), health_vs_bare: ratio('health') },
    targets: {
      me_vs_bare: {
        goal: '>= 0.3 × bare Fastify, authenticated GET /v1/me',
        value: ratio('me'),
        met: ratio('me') >= 0.3,
      },
    },
    // Every answer of ours measured left its access line (warm-ups add more).
    invariants: {
      errors: c.errors,
      answers_without_access_line: Math.max(0, c.served - c.accessLines),
    },
  };
}

export const httpBench: Benchmark = {
  name: 'http',
  description:
    'Authenticated `GET /v1/me` through the full stack as deployed (JWT verification, the rate limiter checking ' +
    'every request against Redis under a policy the load never exhausts, logging at info with one access line per ' +
    'request written to a file, metrics), a real read (`GET /v1/orders/{id}` of a placed order: one Postgres ' +
    'query) and `GET /health` (no auth, no database), against a bare Fastify server with one constant JSON route ' +
    'in the same process. autocannon runs in its own process; runs alternate baseline / ours and the median is ' +
    'reported.',
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
