import { median, round } from './load.ts';
import { measureDirect } from './ratelimit-direct.ts';
import { type Kind, measureHttp } from './ratelimit-http.ts';
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
    runs: 3,
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

async function run(quick: boolean): Promise<BenchFigures> {
  const s = quick ? SCALE.quick : SCALE.full;
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('ratelimit: set REDIS_URL (both limiters count in Redis)');
  const { direct, alone, fallbacks } = await measureDirect(redisUrl, s, HUGE);
  const { http, single, httpErrors } = await measureHttp(redisUrl, s, HUGE);

  const med = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
  const p99 = (k: Kind) => med(single[k], (r) => r.p99_ms);
  const p99Saturated = (k: Kind) => med(http[k], (r) => r.p99_ms);
  const rps = (k: Kind) => med(http[k], (r) => r.rps);
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
    baseline_name:
      'rate-limiter-flexible RateLimiterRedis on an auto-pipelined ioredis client (direct); @fastify/rate-limit with its Redis store on one (HTTP) and no limiter',
    baseline: {
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
    headline: {
      figure: 'checks_per_s',
      better: 'higher',
      ours: direct.ours.map((r) => round(r.checks_per_s)),
      baseline: direct.rlf.map((r) => round(r.checks_per_s)),
    },
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
    'against rate-limiter-flexible’s RateLimiterRedis (a window counter, one Lua script per check, on an ioredis client with auto-pipelining so that concurrent checks share a write) called the same way, and through HTTP our gateway hook ' +
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
