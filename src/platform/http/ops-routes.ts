import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listDeadLetters, requestReplay } from '../bus/dead-letters.ts';
import type { PlatformContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { Strict, typed } from './typed.ts';

/** Operator endpoints of the platform itself: events that consumers gave up on. */
export async function opsRoutes(scope: FastifyInstance, ctx: PlatformContext): Promise<void> {
  const app = typed(scope);
  app.get(
    '/v1/ops/dead-letters',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'Events a consumer gave up on after its retries, newest first',
        querystring: Strict({
          consumer: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          pending: Type.Boolean({ default: true, description: 'only those not replayed yet' }),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
      },
    },
    async (req) => ({ items: await listDeadLetters(ctx.db, req.query) }),
  );
  app.post(
    '/v1/ops/dead-letters/:id/replay',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'Hand a dead letter back to its consumer (after fixing the cause)',
        // Bounded: a larger number is no bigserial id, and Postgres would refuse it as out of range (500).
        params: Strict({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }),
      },
    },
    async (req, reply) => {
      const row = await requestReplay(ctx.db, req.params.id);
      if (!row)
        throw new AppError('NOT_FOUND', `No dead letter ${req.params.id} waiting for replay`);
      reply.code(202);
      return row;
    },
  );
}
