import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createGatewayLimiter } from '../src/platform/ratelimit/resilient-limiter.ts';
import { benchConfig } from './bench-db.ts';
import { latencyHistogram } from './histogram.mjs';

// The ratelimit benchmark's direct calls: each limiter's check called in process, no HTTP.

export interface DirectResult {
  checks_per_s: number;
  p50_ms: number;
  p99_ms: number;
  refused: number;
  errors: number;
}

export interface DirectScale {
  keys: number;
  inFlight: number;
  direct_s: number;
  runs: number;
  warmup_s: number;
}

/** `inFlight` loops calling `check` on random keys for `seconds`; per-check latency recorded. */
async function drive(
  check: (key: string) => Promise<boolean>,
  keys: number,
  inFlight: number,
  seconds: number,
): Promise<DirectResult> {
  const latencies = latencyHistogram();
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
      latencies.record(performance.now() - s);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  return {
    checks_per_s: latencies.count / elapsed,
    p50_ms: latencies.percentile(50),
    p99_ms: latencies.percentile(99),
    refused,
    errors,
  };
}

/**
 * Our limiter against rate-limiter-flexible on the same Redis, one connection each, the same keys,
 * alternating runs with `s.inFlight` checks in flight; then one check at a time (`alone`). A
 * decision of ours not taken by Redis counts as a fallback.
 */
export async function measureDirect(redisUrl: string, s: DirectScale, limit: number) {
  const oursRedis = new Redis(redisUrl);
  // rate-limiter-flexible at its strongest: ioredis sends the scripts of checks issued in the same
  // tick in one write (auto-pipelining), as a team running it under load would configure it.
  const rlfRedis = new Redis(redisUrl, { enableAutoPipelining: true });
  // The product's defaults (LASTMILE_RATE_LIMIT_* when set).
  const settings = benchConfig().rateLimits;
  const ours = createGatewayLimiter({
    redis: oursRedis,
    prefix: 'lastmile_bench_rl:direct:',
    resilience: settings,
  });
  const rule = { algorithm: 'sliding_window', limit, windowMs: 60_000 } as const;
  const rlf = new RateLimiterRedis({
    storeClient: rlfRedis,
    points: limit,
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
  return { direct, alone, fallbacks };
}
