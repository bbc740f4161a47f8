import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { registerGateway } from '../src/modules/gateway/gateway.plugin.ts';
import type { PlatformContext } from '../src/platform/context.ts';
import { createMetrics } from '../src/platform/observability/metrics.ts';
import { benchConfig } from './bench-db.ts';
import { type LoadResult, runLoad } from './load.ts';

// The ratelimit benchmark through HTTP: one constant route behind each limiter and behind none.

export const KINDS = ['none', 'ours', 'fastify-rate-limit'] as const;
export type Kind = (typeof KINDS)[number];

export interface HttpScale {
  connections: number;
  http_s: number;
  runs: number;
  warmup_s: number;
}

async function httpServer(
  kind: Kind,
  redisUrl: string,
  policyFile: string,
  limit: number,
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
    // Auto-pipelined, as the direct baseline: the strongest way to run it under load.
    extra = new Redis(redisUrl, { enableAutoPipelining: true });
    await app.register(fastifyRateLimit, {
      max: limit,
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

/** A policy file that puts every anonymous request under one sliding window of `limit`. */
function policyFileOf(limit: number): string {
  const policyFile = path.join(
    mkdtempSync(path.join(tmpdir(), 'lastmile-bench-rl-')),
    'policy.json',
  );
  writeFileSync(
    policyFile,
    JSON.stringify({
      on_redis_failure: 'local',
      role_tiers: { anonymous: 'anonymous' },
      tiers: { anonymous: { algorithm: 'sliding_window', limit, window_s: 60 } },
      routes: [],
    }),
  );
  return policyFile;
}

/**
 * Each server warmed up, then runs alternating between them so a slow spell of the machine hits
 * all of them: at saturation (`s.connections`), then over one connection (`single`), where the
 * added latency shows what a check costs a request rather than how queues grow.
 */
export async function measureHttp(redisUrl: string, s: HttpScale, limit: number) {
  const policyFile = policyFileOf(limit);
  const servers = Object.fromEntries(
    await Promise.all(
      KINDS.map(async (k) => [k, await httpServer(k, redisUrl, policyFile, limit)] as const),
    ),
  );
  const http: Record<Kind, LoadResult[]> = { none: [], ours: [], 'fastify-rate-limit': [] };
  const single: Record<Kind, LoadResult[]> = { none: [], ours: [], 'fastify-rate-limit': [] };
  let httpErrors = 0;
  try {
    for (const k of KINDS) {
      const res = await fetch(`${servers[k]?.url}/`);
      if (res.status !== 200) throw new Error(`ratelimit: ${k} answered ${res.status}`);
      await runLoad({
        url: `${servers[k]?.url}/`,
        connections: s.connections,
        duration_s: s.warmup_s,
      });
    }
    const measure = async (into: typeof http, connections: number) => {
      for (let i = 0; i < s.runs; i++) {
        for (const k of KINDS) {
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
  return { http, single, httpErrors };
}
