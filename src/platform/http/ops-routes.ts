import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { auditFor } from '../audit/audit-log.ts';
import {
  deadLetterDetail,
  type DeadLetterState,
  discardDeadLetter,
  requestReplay,
  requestReplays,
} from '../bus/dead-letter-actions.ts';
import { listDeadLetters } from '../bus/dead-letters.ts';
import type { PlatformContext } from '../context.ts';
import type { Db } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import { AuditReason, auditActOf } from './audit-act.ts';
import { ok, pageOf, problems, ref } from './contract.ts';
import { DeadLetter, DeadLetterDetail, ReplayResults } from './dead-letter-schemas.ts';
import { CursorParam } from './page-cursor.ts';
import { Strict, typed } from './typed.ts';

export { DeadLetter } from './dead-letter-schemas.ts';

/** The named shapes of the platform's own routes (registered on the root app with the modules'). */
export const opsSchemas = [DeadLetter, DeadLetterDetail, ReplayResults];

// Bounded: a larger number is no bigserial id, and Postgres would refuse it as out of range (500).
const LetterId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const tags = ['ops'];

/** Operator endpoints of the platform itself: events that consumers gave up on. */
export async function opsRoutes(scope: FastifyInstance, ctx: PlatformContext): Promise<void> {
  const app = typed(scope);
  app.get(
    '/v1/ops/dead-letters',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Events a consumer gave up on after its retries, newest first',
        querystring: Strict({
          consumer: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          pending: Type.Boolean({
            default: true,
            description: 'only those neither replayed nor discarded (false: all)',
          }),
          status: Type.Optional(
            Type.Union(
              [Type.Literal('pending'), Type.Literal('replayed'), Type.Literal('discarded')],
              { description: 'only those in this state (wins over `pending`)' },
            ),
          ),
          cursor: CursorParam,
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: { 200: ok(pageOf(ref(DeadLetter), 'Dead letters, newest first'), 'A page') },
      },
    },
    async (req) => listDeadLetters(ctx.db, req.query),
  );
  app.get(
    '/v1/ops/dead-letters/:id',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'A dead letter with the event it holds (payload redacted) and its error',
        params: Strict({ id: LetterId }),
        response: { 200: ok(ref(DeadLetterDetail), 'The dead letter'), ...problems('NOT_FOUND') },
      },
    },
    async (req) => {
      const found = await deadLetterDetail(ctx.db, req.params.id);
      if (!found) throw new AppError('NOT_FOUND', `No dead letter ${req.params.id}`);
      return found;
    },
  );
  actionRoutes(scope, ctx);
  replayManyRoute(scope, ctx);
}

type Audited = (
  req: FastifyRequest,
  reason: string,
  action: string,
  id: number,
) => (trx: Db, before: DeadLetterState, after: DeadLetterState) => Promise<void>;

/** Writes an action on dead letter `id` to the audit log, inside the action's transaction. */
function auditedFor(ctx: PlatformContext): Audited {
  const audit = auditFor(ctx);
  return (req, reason, action, id) => (trx, before, after) =>
    audit.record(trx, auditActOf(req, reason), {
      action,
      target: { type: 'dead_letter', id: String(id) },
      before,
      after,
    });
}

/** Replay one, discard: each audited with its reason, each idempotent. */
function actionRoutes(scope: FastifyInstance, ctx: PlatformContext): void {
  const app = typed(scope);
  const audited = auditedFor(ctx);
  app.post(
    '/v1/ops/dead-letters/:id/replay',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Hand a dead letter back to its consumer (after fixing the cause)',
        description:
          'Written to the audit log (`dead_letter.replay`) with the reason. Asked again before its worker took it, nothing changes (and nothing is logged); 409 CONFLICT once replayed or discarded.',
        params: Strict({ id: LetterId }),
        body: Strict({ reason: AuditReason }),
        response: {
          202: ok(ref(DeadLetter), 'Marked for replay; a worker running its consumer takes it'),
          ...problems('NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const r = await requestReplay(
        ctx.db,
        id,
        audited(req, req.body.reason, 'dead_letter.replay', id),
      );
      if (!r.letter) throw new AppError('NOT_FOUND', `No dead letter ${id}`);
      if (r.outcome === 'already_replayed' || r.outcome === 'discarded')
        throw new AppError(
          'CONFLICT',
          `Dead letter ${id} was ${r.outcome.replace('already_', '')}`,
        );
      reply.code(202);
      return r.letter;
    },
  );
  app.post(
    '/v1/ops/dead-letters/:id/discard',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Discard a dead letter: its consumer never gets it',
        description:
          'Written to the audit log (`dead_letter.discard`) with the reason and the state before and after. Asked again, the same answer and nothing changed; 409 CONFLICT once replayed.',
        params: Strict({ id: LetterId }),
        body: Strict({ reason: AuditReason }),
        response: { 200: ok(ref(DeadLetter), 'Discarded'), ...problems('NOT_FOUND', 'CONFLICT') },
      },
    },
    async (req) => {
      const { id } = req.params;
      const r = await discardDeadLetter(
        ctx.db,
        id,
        audited(req, req.body.reason, 'dead_letter.discard', id),
      );
      if (!r.letter) throw new AppError('NOT_FOUND', `No dead letter ${id}`);
      if (r.outcome === 'already_replayed')
        throw new AppError('CONFLICT', `Dead letter ${id} was replayed already`);
      return r.letter;
    },
  );
}

/** Replay many: each as the single replay does it, the answer saying what happened to each. */
function replayManyRoute(scope: FastifyInstance, ctx: PlatformContext): void {
  const app = typed(scope);
  const audited = auditedFor(ctx);
  app.post(
    '/v1/ops/dead-letters/replay',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Hand many dead letters back to their consumers',
        description:
          'Each one as `POST /v1/ops/dead-letters/{id}/replay` does it (`dead_letter.replay` in the audit log, with the reason, for each one marked); the answer says what happened to each.',
        body: Strict({
          ids: Type.Array(LetterId, { minItems: 1, maxItems: 100 }),
          reason: AuditReason,
        }),
        response: { 202: ok(ref(ReplayResults), 'What happened to each') },
      },
    },
    async (req, reply) => {
      const done = await requestReplays(ctx.db, req.body.ids, (id) =>
        audited(req, req.body.reason, 'dead_letter.replay', id),
      );
      reply.code(202);
      return { items: done.map((d) => ({ id: d.id, outcome: d.outcome })) };
    },
  );
}
