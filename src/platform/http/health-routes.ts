import { timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { Headers, ok, problems } from './contract.ts';
import './fastify-types.ts';

export type HealthCheck = () => Promise<Record<string, { ok: boolean; detail?: string }>>;

const ModuleStates = Type.Record(Type.String(), Type.String(), {
  description: 'Each module and its state (e.g. `running`, `starting`, `degraded`)',
});
const Health = Type.Object(
  {
    status: Type.Literal('ok'),
    instance: Type.String(),
    roles: Type.Array(Type.String()),
    modules: ModuleStates,
  },
  { additionalProperties: false },
);
const Readiness = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
    checks: Type.Record(
      Type.String(),
      Type.Object(
        { ok: Type.Boolean(), detail: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    modules: ModuleStates,
  },
  { additionalProperties: false },
);

/** /health (alive, with module states), /ready (dependencies answer) and /metrics (Prometheus). */
export function healthRoutes(
  app: FastifyInstance,
  ctx: PlatformContext,
  opts: { readiness: HealthCheck; moduleStates: () => Record<string, string> },
): void {
  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        response: { 200: ok(Health, 'The process is alive') },
      },
    },
    async () => ({
      status: 'ok' as const,
      instance: ctx.config.instanceId,
      roles: [...ctx.config.roles],
      modules: opts.moduleStates(),
    }),
  );
  app.get(
    '/ready',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: every dependency answers and the process may take traffic',
        response: {
          200: ok(Readiness, 'Ready'),
          503: ok(Readiness, 'Not ready yet (or a dependency is down); see `checks`', {
            'Retry-After': Headers.retryAfter,
          }),
        },
      },
    },
    async (_req, reply) => {
      const checks = await opts.readiness();
      const ready = Object.values(checks).every((c) => c.ok);
      if (!ready) reply.code(503).header('retry-after', '2');
      return { status: ready ? 'ready' : 'not_ready', checks, modules: opts.moduleStates() };
    },
  );
  app.get(
    '/metrics',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'With LASTMILE_METRICS_TOKEN set, send it as `Authorization: Bearer <token>`. Without one, open in development and refused in production.',
        response: {
          200: {
            description: 'The metrics',
            content: { 'text/plain': { schema: Type.String() } },
          },
          ...problems('UNAUTHENTICATED', 'FORBIDDEN'),
        },
      },
    },
    async (req, reply) => {
      allowMetrics(ctx, req.headers.authorization);
      reply.type(ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );
}

/** Metrics name routes, volumes and internals: behind a token, and never open in production. */
function allowMetrics(ctx: PlatformContext, authorization: string | undefined): void {
  const token = ctx.config.metricsToken;
  if (token) {
    const sent = Buffer.from(authorization ?? '');
    const want = Buffer.from(`Bearer ${token}`);
    if (sent.length !== want.length || !timingSafeEqual(sent, want))
      throw new AppError(
        'UNAUTHENTICATED',
        'Send the metrics token as Authorization: Bearer <token>',
      );
  } else if (ctx.config.env === 'production') {
    throw new AppError(
      'FORBIDDEN',
      'Metrics are off in production until LASTMILE_METRICS_TOKEN is set',
    );
  }
}
