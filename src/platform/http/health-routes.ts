import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../context.ts';
import './fastify-types.ts';

export type HealthCheck = () => Promise<Record<string, { ok: boolean; detail?: string }>>;

/** /health (alive, with module states), /ready (dependencies answer) and /metrics (Prometheus). */
export function healthRoutes(
  app: FastifyInstance,
  ctx: PlatformContext,
  opts: { readiness: HealthCheck; moduleStates: () => Record<string, string> },
): void {
  app.get('/health', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
    instance: ctx.config.instanceId,
    roles: ctx.config.roles,
    modules: opts.moduleStates(),
  }));
  app.get('/ready', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const checks = await opts.readiness();
    const ok = Object.values(checks).every((c) => c.ok);
    if (!ok) reply.code(503).header('retry-after', '2');
    return { status: ok ? 'ready' : 'not_ready', checks, modules: opts.moduleStates() };
  });
  app.get(
    '/metrics',
    { config: { auth: 'public' }, schema: { hide: true } },
    async (_req, reply) => {
      reply.type(ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );
}
