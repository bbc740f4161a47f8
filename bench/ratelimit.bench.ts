import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { registerGateway } from '../src/modules/gateway/gateway.plugin.ts';
import type { PlatformContext } from '../src/platform/context.ts';
import { createMetrics } from '../src/platform/observability/metrics.ts';
import { createGatewayLimiter } from '../src/platform/ratelimit/resilient-limiter.ts';
import { benchConfig, percentile } from './bench-db.ts';
import { type LoadResult, median, round, runLoad } from './load.ts';
import type { BenchFigures, Benchmark } from './result.ts';

/**
 * The gateway's rate limiter against rate-limiter-flexible (RateLimiterRedis, a window counter in
 * one Lua script per check) and @fastify/rate-limit with its Redis store, on the same Redis.
 * Direct: checks/s and per-check latency with many checks in flight over many keys.
 * HTTP: the same route behind each limiter and behind none, measured by autocannon: req/s and p99
 * at saturation, and p99 over one connection sending a request as soon as the last one answered.
 * The added p99 is read on that single connection: what a check costs a request when nothing
 * queues. (autocannon's rate option sends each connection's quota for the second back to back at
 * its start, so a "paced" run is a burst once a second, not a steady offered load.)
 */
const SCALE = {
  quick: {
    keys: 1_000,
    inFlight: 256,
    direct_s: 2,
    connections: 50,
    http_s: 3,
    runs: 2,
    warmup_s: 1,
  },
  full: {
    keys: 10_000,
    inFlight: 256,
    direct_s: 5,
    connections: 50,
    http_s: 10,
    runs: 3,
    warmup_s: 2,
  },
};
const HUGE = 1_000_000_000;

interface DirectResult {
  checks_per_s: number;
  p50_ms: number;
  p99_ms: number;
  refused: number;
  errors: number;
}

/** `inFlight` loops calling `check` on random keys for `seconds`; per-check latency recorded. */
async function drive(
  check: (key: string) => Promise<boolean>,
  keys: number,
  inFlight: number,
  seconds: number,
): Promise<DirectResult> {
  const latencies: number[] = [];
  let refused = 0;
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  async function loop() {
    while (performance.now() < until) {
      const key = `k${Math.floor(Math.random() * keys)}`;
      const s = performance.now();
      try {
        if (!(await check(key))) refused += 1;
      } catch {
        errors += 1;
      }
      latencies.push(performance.now() - s);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    checks_per_s: latencies.length / elapsed,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    refused,
    errors,
  };
}

async function httpServer(
  kind: 'none' | 'ours' | 'fastify-rate-limit',
  redisUrl: string,
  policyFile: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app: FastifyInstance = Fastify();
  let extra: Redis | null = null;
  if (kind === 'ours') {
    extra = new Redis(redisUrl);
    const config = benchConfig({
      LASTMILE_RATE_LIMITS: policyFile,
      LASTMILE_NAMESPACE: 'lastmile_bench_rl',
      LASTMILE_INSTANCE_ID: 'bench-rl',
    });
    const ctx = {
      config,
      logger: pino({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      redis: extra,
    } as unknown as PlatformContext;
    app.decorateRequest('principal', null);
    await registerGateway(app, ctx);
  } else if (kind === 'fastify-rate-limit') {
    extra = new Redis(redisUrl);
    await app.register(fastifyRateLimit, {
      max: HUGE,
      timeWindow: 60_000,
      redis: extra,
      nameSpace: 'lastmile_bench_frl:',
    });
  }
  app.get('/', { config: { auth: 'public' } }, async () => ({ hello: 'world' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      extra?.disconnect();
    },
  };
}

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('ratelimit: set REDIS_URL (both limiters count in Redis)');

  // Direct calls: one connection each, the same keys, alternating runs.
  const oursRedis = new Redis(redisUrl);
  const rlfRedis = new Redis(redisUrl);
  // The product's defaults (LASTMILE_RATE_LIMIT_* when set).
  const settings = benchConfig().rateLimits;
  const ours = createGatewayLimiter({
    redis: oursRedis,
    prefix: 'lastmile_bench_rl:direct:',
    resilience: settings,
  });
  const rule = { algorithm: 'sliding_window', limit: HUGE, windowMs: 60_000 } as const;
  const rlf = new RateLimiterRedis({
    storeClient: rlfRedis,
    points: HUGE,
    duration: 60,
    keyPrefix: 'lastmile_bench_rlf',
  });
  const oursCheck = async (key: string) => (await ours.check(key, rule, 'local')).allowed;
  const rlfCheck = async (key: string) => {
    try {
      await rlf.consume(key);
      return true;
    } catch (err) {
      if (err instanceof Error) throw err;
      return false;
    }
  };
  const direct: { ours: DirectResult[]; rlf: DirectResult[] } = { ours: [], rlf: [] };
  let fallbacks = 0;
  const countingOurs = async (key: string) => {
    const d = await ours.check(key, rule, 'local');
    if (d.source !== 'redis') fallbacks += 1;
    return d.allowed;
  };
  await drive(oursCheck, s.keys, s.inFlight, s.warmup_s);
  await drive(rlfCheck, s.keys, s.inFlight, s.warmup_s);
  for (let i = 0; i < s.runs; i++) {
    direct.ours.push(await drive(countingOurs, s.keys, s.inFlight, s.direct_s));
    direct.rlf.push(await drive(rlfCheck, s.keys, s.inFlight, s.direct_s));
    process.stderr.write(
      `  direct run ${i + 1}: ours ${Math.round(direct.ours.at(-1)?.checks_per_s ?? 0)}/s, rate-limiter-flexible ${Math.round(direct.rlf.at(-1)?.checks_per_s ?? 0)}/s\n`,
    );
  }
  // One check at a time: what a check adds to a request when nothing queues.
  const alone = {
    ours: await drive(countingOurs, s.keys, 1, s.direct_s),
    rlf: await drive(rlfCheck, s.keys, 1, s.direct_s),
  };
  await ours.close();
  oursRedis.disconnect();
  rlfRedis.disconnect();

  // HTTP: the same constant route with no limiter, our gateway hook, @fastify/rate-limit.
  const policyFile = path.join(
    mkdtempSync(path.join(tmpdir(), 'lastmile-bench-rl-')),
    'policy.json',
  );
  writeFileSync(
    policyFile,
    JSON.stringify({
      on_redis_failure: 'local',
      role_tiers: { anonymous: 'anonymous' },
      tiers: { anonymous: { algorithm: 'sliding_window', limit: HUGE, window_s: 60 } },
      routes: [],
    }),
  );
  const kinds = ['none', 'ours', 'fastify-rate-limit'] as const;
  const servers = Object.fromEntries(
    await Promise.all(
      kinds.map(async (k) => [k, await httpServer(k, redisUrl, policyFile)] as const),
    ),
  );
  const http: Record<(typeof kinds)[number], LoadResult[]> = {
    none: [],
    ours: [],
    'fastify-rate-limit': [],
  };
  // Added latency is read over one connection, so it shows what a check costs a request rather
  // than how queues grow at saturation.
  const single: Record<(typeof kinds)[number], LoadResult[]> = {
    none: [],
    ours: [],
    'fastify-rate-limit': [],
  };
  let httpErrors = 0;
  try {
    for (const k of kinds) {
      const res = await fetch(`${servers[k]?.url}/`);
      if (res.status !== 200) throw new Error(`ratelimit: ${k} answered ${res.status}`);
      await runLoad({
        url: `${servers[k]?.url}/`,
        connections: s.connections,
        duration_s: s.warmup_s,
      });
    }
    // Runs alternate between the servers so a slow spell of the machine hits all of them.
    const measure = async (into: typeof http, connections: number) => {
      for (let i = 0; i < s.runs; i++) {
        for (const k of kinds) {
          const r = await runLoad({
            url: `${servers[k]?.url}/`,
            connections,
            duration_s: s.http_s,
          });
          httpErrors += r.non2xx + r.errors + r.timeouts;
          into[k].push(r);
        }
      }
    };
    await measure(http, s.connections);
    await measure(single, 1);
  } finally {
    await Promise.all(Object.values(servers).map((x) => x?.close()));
  }

  const med = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
  const oursRate = med(direct.ours, (r) => r.checks_per_s);
  const rlfRate = med(direct.rlf, (r) => r.checks_per_s);
  const p99 = (k: (typeof kinds)[number]) => med(single[k], (r) => r.p99_ms);
  const p99Saturated = (k: (typeof kinds)[number]) => med(http[k], (r) => r.p99_ms);
  const rps = (k: (typeof kinds)[number]) => med(http[k], (r) => r.rps);
  return {
    scale: {
      keys: s.keys,
      in_flight: s.inFlight,
      direct_s: s.direct_s,
      http_connections: s.connections,
      http_s: s.http_s,
      runs: s.runs,
    },
    metrics: {
      checks_per_s: round(oursRate),
      check_p50_ms: round(
        med(direct.ours, (r) => r.p50_ms),
        3,
      ),
      check_p99_ms: round(
        med(direct.ours, (r) => r.p99_ms),
        3,
      ),
      added_p99_ms: round(Math.max(0, p99('ours') - p99('none')), 3),
      single_check_p50_ms: round(alone.ours.p50_ms, 3),
      single_check_p99_ms: round(alone.ours.p99_ms, 3),
      http_p99_ms: round(p99('ours'), 3),
      http_rps: round(rps('ours')),
      http_saturated_p99_ms: round(p99Saturated('ours'), 3),
    },
    baseline: {
      checks_per_s: round(rlfRate),
      check_p50_ms: round(
        med(direct.rlf, (r) => r.p50_ms),
        3,
      ),
      check_p99_ms: round(
        med(direct.rlf, (r) => r.p99_ms),
        3,
      ),
      single_check_p50_ms: round(alone.rlf.p50_ms, 3),
      single_check_p99_ms: round(alone.rlf.p99_ms, 3),
      fastify_rate_limit_added_p99_ms: round(
        Math.max(0, p99('fastify-rate-limit') - p99('none')),
        3,
      ),
      fastify_rate_limit_http_p99_ms: round(p99('fastify-rate-limit'), 3),
      fastify_rate_limit_http_rps: round(rps('fastify-rate-limit')),
      no_limiter_http_p99_ms: round(p99('none'), 3),
      no_limiter_http_rps: round(rps('none')),
      no_limiter_http_saturated_p99_ms: round(p99Saturated('none'), 3),
    },
    ratio: round(oursRate / Math.max(1, rlfRate), 2),
    invariants: {
      errors:
        [...direct.ours, ...direct.rlf, alone.ours, alone.rlf].reduce(
          (n, r) => n + r.errors + r.refused,
          0,
        ) + httpErrors,
      fallbacks_while_redis_up: fallbacks,
    },
  };
}

export const ratelimitBench: Benchmark = {
  name: 'ratelimit',
  description:
    'Rate-limit checks against one Redis: our limiter (sliding-window counter, one Lua script per batch of concurrent checks, under a deadline and a breaker) ' +
    'against rate-limiter-flexible’s RateLimiterRedis (a window counter, one Lua script per check) called the same way, and through HTTP our gateway hook ' +
    'against @fastify/rate-limit with its Redis store and against no limiter, each on a constant route.',
  run,
  chart: (r) => ({
    unit: 'checks/s',
    bars: [
      { label: 'lastmile limiter', value: r.metrics.checks_per_s ?? 0, baseline: false },
      { label: 'rate-limiter-flexible', value: r.baseline.checks_per_s ?? 0, baseline: true },
    ],
  }),
};
