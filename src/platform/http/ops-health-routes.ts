import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context.ts';
import type { QueueProbe } from '../health/queues.ts';
import { opsHealth } from '../health/ops-health.ts';
import { ok, ref } from './contract.ts';
import { HealthSeries, OpsHealth } from './ops-health-schemas.ts';
import { Strict, typed } from './typed.ts';

export { opsHealthSchemas } from './ops-health-schemas.ts';

/** The windows the series can be read over, in minutes. */
const WINDOWS = { '5m': 5, '15m': 15, '1h': 60 } as const;
type Window = keyof typeof WINDOWS;
const tags = ['ops'];

/** Ops' view of the platform's health: the process, its dependencies, queues and traffic. */
export async function opsHealthRoutes(
  scope: FastifyInstance,
  ctx: PlatformContext,
  opts: {
    moduleStates: () => Record<string, string>;
    queues: readonly QueueProbe[];
    processId: string;
  },
): Promise<void> {
  const app = typed(scope);
  app.get(
    '/v1/ops/health',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Module states, dependencies, queue depths and bus consumer backlogs',
        description:
          'Read when asked, by the process that answers: each dependency pinged (2 s at most each), the queues counted up to a cap, the consumers as the bus reports them (with NATS every durable of this install, whichever process reads it).',
        response: { 200: ok(ref(OpsHealth), 'The health of this process and what it uses') },
      },
    },
    async () => opsHealth({ ctx, ...opts }),
  );
  app.get(
    '/v1/ops/health/series',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: "This process's requests per route and minute over the last hour",
        description:
          'Kept in memory by each process (a ring of one-minute buckets fed by its request hook and its rate limiter): requests, 4xx, 5xx and p99 latency per route, and rate-limit refusals by policy and tier. Another process keeps its own; nothing is added up across processes.',
        querystring: Strict({
          window: Type.Union(
            Object.keys(WINDOWS).map((w) => Type.Literal(w)),
            { default: '1h', description: 'How far back: 5m, 15m or 1h' },
          ),
        }),
        response: { 200: ok(ref(HealthSeries), 'The series, oldest minute first') },
      },
    },
    async (req) => ({
      instance: ctx.config.instanceId,
      process_id: opts.processId,
      ...ctx.metrics.series.read(WINDOWS[req.query.window as Window]),
    }),
  );
}
