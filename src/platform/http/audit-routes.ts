import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ALL_ROLES, OPS_LEVELS } from '../auth/principal.ts';
import { type AuditFilter, auditFor } from '../audit/audit-log.ts';
import type { PlatformContext } from '../context.ts';
import { DateTime, Nullable } from '../contract/schemas.ts';
import { AppError } from '../errors.ts';
import { component, ok, pageOf, ref, stringEnum } from './contract.ts';
import { CursorParam } from './page-cursor.ts';
import { Strict, typed, Uuid } from './typed.ts';

const State = Type.Unknown({
  description: 'The state it changed, as JSON (null: nothing there, or nothing changed)',
});

export const AuditEntry = component(
  'AuditEntry',
  Type.Object(
    {
      id: Uuid,
      at: DateTime,
      actor: Type.Object(
        {
          id: Type.String(),
          email: Nullable(Type.String()),
          role: stringEnum(ALL_ROLES),
          level: Type.Union([stringEnum(OPS_LEVELS), Type.Null()]),
        },
        { additionalProperties: false, description: 'Who, as their token named them then' },
      ),
      action: Type.String({ description: '`<thing>.<verb>`, e.g. `webhook.delivery_retry`' }),
      target: Type.Object(
        { type: Type.String(), id: Type.String() },
        { additionalProperties: false, description: 'What it was done to' },
      ),
      reason: Type.String(),
      before: State,
      after: State,
      request_id: Nullable(Type.String()),
      idempotency_key: Nullable(Type.String()),
    },
    {
      additionalProperties: false,
      description: 'One ops action: who did what to which thing, when, why, before and after',
      examples: [
        {
          id: '0190f0d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
          at: '2026-12-06T18:45:11.000Z',
          actor: {
            id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
            email: 'agent@demo.lastmile.dev',
            role: 'ops',
            level: 'agent',
          },
          action: 'dead_letter.replay',
          target: { type: 'dead_letter', id: '42' },
          reason: 'the notifications provider is back',
          before: { replay_requested_at: null, replayed_at: null },
          after: { replay_requested_at: '2026-12-06T18:45:11.000Z', replayed_at: null },
          request_id: '0190f0d1-0a1b-7c2d-8e3f-000000000001',
          idempotency_key: 'replay-42-1',
        },
      ],
    },
  ),
);

export const auditSchemas = [AuditEntry];

const ACTIONS = [
  'Actions: `dead_letter.replay`, `dead_letter.discard`, `webhook.subscribe`, `webhook.stop`, `webhook.delivery_retry`, `api_key.create`, `api_key.revoke`, `privacy.export`, `privacy.erase`;',
  'orders: `order.cancel`, `order.refund`, `order.extend_deadline`, `order.accept`, `order.preparing`, `order.ready`, `order.reject`, `order.picked_up`, `order.delivered`, `substitution.propose` (target the order);',
  'dispatch: `trip.reassign`, `trip.unassign_driver`, `delivery.geofence_waive`, `delivery.pin_unlock`, `delivery.mark_delivered`; `workflow.retry`;',
  'catalog: `store.create`, `store.update`, `store.pause`, `store.resume`, `store.close`, `store_staff.create`, `category.put`, `product.create`, `product.update`, `product.import` (one per batch that changed products);',
  'stock: `stock.set`, `stock.adjust` (target `stock`, `<store id>/<product id>`);',
  '`driver.create`, `ticket.resolve`.',
  'Writes that store staff may also make are in the log only when ops made them.',
].join(' ');

/** The filters of the list and the export. */
const Filters = {
  actor_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Who' })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  target_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  target_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'At or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Before' })),
};
type FilterQuery = { [K in keyof typeof Filters]?: string | undefined };

/** A time the schema let through (RFC 3339) that is no instant, such as a leap second, is a 400. */
function timeOf(field: 'from' | 'to', value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new AppError('VALIDATION_FAILED', `${field} is not a time`, {
      details: { errors: [{ path: `querystring.${field}`, message: 'not a time' }] },
    });
  return at;
}

const filterOf = (q: FilterQuery): AuditFilter => ({
  actorId: q.actor_id,
  action: q.action,
  targetType: q.target_type,
  targetId: q.target_id,
  from: timeOf('from', q.from),
  to: timeOf('to', q.to),
});

/** The audit log of ops actions, for every ops level: a page at a time, or all of it as CSV. */
export async function auditRoutes(scope: FastifyInstance, ctx: PlatformContext): Promise<void> {
  const app = typed(scope);
  const audit = auditFor(ctx);
  app.get(
    '/v1/ops/audit',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'The audit log: who did what, when, why, before and after; newest first',
        description: ACTIONS,
        querystring: Strict({
          ...Filters,
          cursor: CursorParam,
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: { 200: ok(pageOf(ref(AuditEntry), 'Entries, newest first'), 'A page') },
      },
    },
    async (req) => audit.page(filterOf(req.query), req.query),
  );
  app.get(
    '/v1/ops/audit.csv',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'The audit log as CSV (the same filters), newest first, streamed',
        description: `One line per entry; \`before\` and \`after\` as JSON. A cell starting with = + - @ is prefixed with ' so a spreadsheet shows it as text. ${ACTIONS}`,
        querystring: Strict(Filters),
        response: {
          200: {
            description: 'RFC 4180 CSV with a header line',
            headers: { 'Content-Disposition': Type.String() },
            content: { 'text/csv': { schema: Type.String() } },
          },
        },
      },
    },
    async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="lastmile-audit.csv"')
        // A stream of the declared text: the type provider knows only the text itself.
        .send(Readable.from(audit.csv(filterOf(req.query))) as unknown as string),
  );
}
