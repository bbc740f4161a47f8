import type { FastifyInstance } from 'fastify';
import { ok, ref } from '../../platform/http/contract.ts';
import type { Gateway } from './gateway-state.ts';
import { RateLimitState } from './gateway.schemas.ts';

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
        response: { 200: ok(ref(RateLimitState), 'The policy and the limiter of this process') },
      },
    },
    async () => {
      const g = gateway();
      if (!g) return { enabled: false as const };
      return {
        enabled: true as const,
        ...g.policy.describe(),
        counters: g.limiter.kind,
        redis_healthy: g.limiter.redisHealthy,
        live_processes: g.processes(),
        policy: g.policy.current().document,
      };
    },
  );
}
