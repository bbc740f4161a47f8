import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { auditFor } from '../audit/audit-log.ts';
import { listDeadLetters, requestReplay } from '../bus/dead-letters.ts';
import type { PlatformContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { AuditReason, auditActOf } from './audit-act.ts';
import { component, ok, pageOf, ref } from './contract.ts';
import { CursorParam } from './page-cursor.ts';
import { Strict, typed } from './typed.ts';

const DateTime = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([DateTime, Type.Null()]);

export const DeadLetter = component(
  'DeadLetter',
  Type.Object(
    {
      id: Type.Integer({ minimum: 1 }),
      consumer: Type.String({ description: 'The consumer that gave up' }),
      event_id: Type.String(),
      event_type: Type.String(),
      attempts: Type.Integer({ minimum: 1 }),
      error: Type.String({ description: 'The last failure' }),
      created_at: DateTime,
      replay_requested_at: NullableTime,
      replayed_at: NullableTime,
    },
    {
      additionalProperties: false,
      description: 'An event a consumer gave up on after its retries',
      examples: [
        {
          id: 42,
          consumer: 'notifications',
          event_id: '0190f0d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
          event_type: 'support.ticket_opened',
          attempts: 5,
          error: 'connection terminated',
          created_at: '2026-12-06T18:45:11.000Z',
          replay_requested_at: null,
          replayed_at: null,
        },
      ],
    },
  ),
);

/** The named shapes of the platform's own routes (registered on the root app with the modules'). */
export const opsSchemas = [DeadLetter];

/** Operator endpoints of the platform itself: events that consumers gave up on. */
export async function opsRoutes(scope: FastifyInstance, ctx: PlatformContext): Promise<void> {
  const app = typed(scope);
  const audit = auditFor(ctx);
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
          cursor: CursorParam,
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: { 200: ok(pageOf(ref(DeadLetter), 'Dead letters, newest first'), 'A page') },
      },
    },
    async (req) => listDeadLetters(ctx.db, req.query),
  );
  app.post(
    '/v1/ops/dead-letters/:id/replay',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'Hand a dead letter back to its consumer (after fixing the cause)',
        description: 'Written to the audit log (`dead_letter.replay`) with the reason.',
        // Bounded: a larger number is no bigserial id, and Postgres would refuse it as out of range (500).
        params: Strict({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }),
        body: Strict({ reason: AuditReason }),
        response: {
          202: ok(ref(DeadLetter), 'Marked for replay; a worker running its consumer takes it'),
        },
      },
    },
    async (req, reply) => {
      const act = auditActOf(req, req.body.reason);
      const target = { type: 'dead_letter', id: String(req.params.id) };
      const row = await requestReplay(ctx.db, req.params.id, (trx, before, after) =>
        audit.record(trx, act, { action: 'dead_letter.replay', target, before, after }),
      );
      if (!row)
        throw new AppError('NOT_FOUND', `No dead letter ${req.params.id} waiting for replay`);
      reply.code(202);
      return row;
    },
  );
}
