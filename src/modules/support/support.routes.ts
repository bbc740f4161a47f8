import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { CursorParam } from '../../platform/http/page-cursor.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { Ticket, TicketPage } from './support.schemas.ts';
import type { SupportService } from './support.service.ts';

const Status = Type.Union([
  Type.Literal('open'),
  Type.Literal('escalated'),
  Type.Literal('resolved'),
]);

/** A page of tickets: by status, about one order (`order_id`), in either order, after a cursor. */
const TicketQuery = Strict({
  status: Type.Optional(Status),
  unresolved: Type.Optional(
    Type.Boolean({ description: 'true: only those open or escalated (ops’ support queue)' }),
  ),
  sort: Type.Optional(
    Type.Union([Type.Literal('newest'), Type.Literal('oldest')], {
      description: 'newest first (the default), or oldest first: the longest waiting first',
    }),
  ),
  order_id: Type.Optional(Uuid),
  cursor: CursorParam,
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});

/** Throws NOT_FOUND unless `by` may see the order (its customer, its store, its driver, ops). */
export type OrderAccessCheck = (by: Principal, orderId: string) => Promise<void>;

/** The audit log's reason for a resolution that gives none. */
export const RESOLVE_REASON = 'ticket answered';

export async function supportRoutes(
  scope: FastifyInstance,
  service: SupportService,
  orderAccess: OrderAccessCheck,
): Promise<void> {
  const app = typed(scope);

  app.post(
    '/v1/support/tickets',
    {
      config: { auth: ['customer', 'driver', 'store'] },
      schema: {
        tags: ['support'],
        summary: 'Open a support ticket (about an order or anything else)',
        body: Strict({
          subject: Type.String({ minLength: 3, maxLength: 120 }),
          message: Type.String({ minLength: 1, maxLength: 4000 }),
          order_id: Type.Optional(Uuid),
        }),
        response: {
          201: ok(ref(Ticket), 'Opened'),
          200: ok(ref(Ticket), 'A repeat of an earlier request (same Idempotency-Key)'),
          // NOT_FOUND: `order_id` names no order the caller may see; CONFLICT: a racing repeat.
          ...problems('NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (req, reply) => {
      // A ticket about an order is about one of the caller's own: someone else's order (or an id
      // that does not exist) is not found, so a ticket can neither point at nor probe it.
      if (req.body.order_id) await orderAccess(callerOf(req), req.body.order_id);
      const { ticket, created } = await service.open(callerOf(req), req.body, req.idempotencyKey);
      reply.code(created ? 201 : 200);
      return ticket;
    },
  );

  app.get(
    '/v1/support/tickets',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['support'],
        summary: 'Your tickets (ops: all tickets), newest or oldest first',
        querystring: TicketQuery,
        response: { 200: ok(TicketPage, 'A page of tickets, newest first') },
      },
    },
    async (req) => service.list(callerOf(req), req.query),
  );

  app.get(
    '/v1/support/tickets/:id',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['support'],
        summary: 'One ticket',
        params: Strict({ id: Uuid }),
        response: { 200: ok(ref(Ticket), 'The ticket') },
      },
    },
    async (req) => service.get(callerOf(req), req.params.id),
  );

  resolveRoute(app, service);
}

/** Ops resolve a ticket; audited. */
function resolveRoute(app: ReturnType<typeof typed>, service: SupportService): void {
  app.post(
    '/v1/support/tickets/:id/resolve',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['support'],
        summary: 'Resolve a ticket',
        description: `Written to the audit log (\`ticket.resolve\`: status before and after, not the resolution's text) with the \`reason\` (\`${RESOLVE_REASON}\` when none is given).`,
        params: Strict({ id: Uuid }),
        body: Strict({
          resolution: Type.String({ minLength: 1, maxLength: 2000 }),
          reason: Type.Optional(AuditReason),
        }),
        response: {
          200: ok(ref(Ticket), 'Resolved'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) =>
      service.resolve(
        req.params.id,
        req.body.resolution,
        auditActOf(req, req.body.reason ?? RESOLVE_REASON),
      ),
  );
}
