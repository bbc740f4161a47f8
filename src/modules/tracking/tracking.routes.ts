import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus } from '../../platform/bus/port.ts';
import { AppError } from '../../platform/errors.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { closeOnFailure } from '../../platform/realtime/log-channel.ts';
import { etaView } from './tracking-eta.ts';
import { shownTo } from './tracking-log.ts';
import { serveTracking } from './tracking-socket.ts';
import type { TrackingService } from './tracking.service.ts';
import { OrderEta, TrackingFeed } from './tracking.schemas.ts';

const Id = Strict({ id: Uuid });
const MAX_SEQ = 2 ** 31 - 1;
/** The REST log's page: a cursor is the `seq` of the last message the client has, as text. */
const LogPage = Strict({
  cursor: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,10}$',
      description:
        "A `next_cursor`, or the `seq` of the last message you have (the snapshot's `seq` for what follows it; the socket's `after` takes the same number). Leave out to read from the start.",
    }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 500 }),
});
// seq is an int column: a cursor beyond it would be refused by Postgres (500) rather than match nothing.
const After = Strict({
  after: Type.Integer({
    minimum: 0,
    maximum: 2 ** 31 - 1,
    default: 0,
    description: 'Resume cursor: the last `seq` received',
  }),
});

/** The snapshot and the page of the log after the cursor (`next_cursor`: more right now). */
async function readFeed(
  tracking: TrackingService,
  by: Principal,
  orderId: string,
  q: { cursor?: string; limit: number },
) {
  const after = q.cursor === undefined ? 0 : Number(q.cursor);
  if (after > MAX_SEQ)
    throw new AppError('VALIDATION_FAILED', 'cursor is beyond any message of this log', {
      details: { errors: [{ path: 'querystring.cursor', message: 'invalid cursor' }] },
    });
  const row = await tracking.access(by, orderId);
  const snapshot = await tracking.snapshot(row);
  const read = await tracking.messagesAfter(row.order_id, after, q.limit + 1);
  const page = read.slice(0, q.limit);
  const last = page.at(-1);
  return {
    snapshot,
    items: page.filter((m) => shownTo(by, m)),
    next_cursor: read.length > q.limit && last ? String(last.seq) : null,
  };
}

export async function trackingRoutes(
  scope: FastifyInstance,
  deps: { tracking: TrackingService; bus: EventBus },
): Promise<void> {
  const app = typed(scope);
  const { tracking } = deps;
  const roles = ['customer', 'driver', 'store', 'ops'] as const;

  app.get(
    '/v1/orders/:id/eta',
    {
      config: { auth: roles },
      schema: {
        tags: ['tracking'],
        summary: 'The current arrival estimate of an order',
        params: Id,
        response: { 200: ok(ref(OrderEta), 'The estimate (null once the order ended)') },
      },
    },
    async (req) => {
      const row = await tracking.access(callerOf(req), req.params.id);
      const eta = await tracking.estimate(row);
      return {
        order_id: row.order_id,
        status: row.status,
        eta: row.active ? etaView(eta) : null,
        parts: { prep_s: eta.prep_s, to_store_s: eta.to_store_s, to_customer_s: eta.to_customer_s },
      };
    },
  );

  app.get(
    '/v1/orders/:id/tracking',
    {
      config: { auth: roles },
      schema: {
        tags: ['tracking'],
        summary: 'Tracking without a socket: the snapshot and the messages after the cursor',
        params: Id,
        querystring: LogPage,
        response: { 200: ok(ref(TrackingFeed), 'The snapshot and a page of the log') },
      },
    },
    async (req) => readFeed(tracking, callerOf(req), req.params.id, req.query),
  );

  // The socket: authorized before the upgrade (a refused caller gets a 401/403/404 problem).
  scope.get<{ Params: { id: string }; Querystring: { after?: number } }>(
    '/v1/orders/:id/track',
    {
      websocket: true,
      config: { auth: roles, socket: 'tracking' },
      schema: {
        tags: ['tracking'],
        summary:
          'Live tracking (WebSocket): status, driver position (≤ 1/s), ETA; resume with ?after=<seq>',
        params: Id,
        querystring: After,
      },
      preHandler: async (req) => {
        await tracking.access(callerOf(req), req.params.id);
      },
    },
    (socket: WebSocket, req) => {
      const after = Number(req.query.after ?? 0);
      const fail = closeOnFailure(socket, req.log, 'tracking');
      serveTracking(socket, deps, callerOf(req), req.params.id, after, fail);
    },
  );
}
