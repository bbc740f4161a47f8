import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { EventBus } from '../../platform/bus/port.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { etaView } from './tracking-eta.ts';
import { serveTracking } from './tracking-socket.ts';
import type { TrackingService } from './tracking.service.ts';

const Id = Strict({ id: Uuid });
// seq is an int column: a cursor beyond it would be refused by Postgres (500) rather than match nothing.
const After = Strict({
  after: Type.Integer({
    minimum: 0,
    maximum: 2 ** 31 - 1,
    default: 0,
    description: 'Resume cursor: the last `seq` received',
  }),
});

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
        summary: 'The current arrival estimate and the window promised at checkout',
        params: Id,
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
        querystring: After,
      },
    },
    async (req) => {
      const row = await tracking.access(callerOf(req), req.params.id);
      return {
        snapshot: await tracking.snapshot(row),
        messages: await tracking.messagesAfter(row.order_id, req.query.after),
      };
    },
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
      serveTracking(socket, deps, callerOf(req), req.params.id, after, (err) => {
        req.log.warn({ err }, 'tracking socket failed');
        socket.close(1011, 'internal error');
      });
    },
  );
}
