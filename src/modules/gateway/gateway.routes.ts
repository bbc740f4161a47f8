import type { FastifyInstance } from 'fastify';
import type { Gateway } from './gateway.plugin.ts';

/** What the gateway enforces right now in this process (ops). */
export async function gatewayRoutes(
  app: FastifyInstance,
  gateway: () => Gateway | null,
): Promise<void> {
  app.get(
    '/v1/ops/rate-limits',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'The rate-limit policy in force, where it came from, and the limiter state',
      },
    },
    async () => {
      const g = gateway();
      if (!g) return { enabled: false };
      return {
        enabled: true,
        ...g.policy.describe(),
        counters: g.limiter.kind,
        redis_healthy: g.limiter.redisHealthy,
        live_processes: g.processes(),
        policy: g.policy.current().document,
      };
    },
  );
}
