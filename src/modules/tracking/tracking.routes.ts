import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus, Subscription } from '../../platform/bus/port.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { positionTopic } from '../drivers/index.ts';
import { etaView, type TrackingMessage, type TrackingService, trackingTopic } from './tracking.service.ts';

const Id = Strict({ id: Uuid });
const After = Strict({ after: Type.Integer({ minimum: 0, default: 0, description: 'Resume cursor: the last `seq` received' }) });

const HEARTBEAT_MS = 25_000;
/** Driver positions reach a subscriber at most this often. */
const POSITION_EVERY_MS = 1000;
/** A subscriber this far behind gets no positions until it catches up; further behind, it is cut. */
const SLOW_BYTES = 256 * 1024;
const DEAD_BYTES = 4 * 1024 * 1024;

export async function trackingRoutes(scope: FastifyInstance, deps: { tracking: TrackingService; bus: EventBus }): Promise<void> {
  const app = typed(scope);
  const { tracking } = deps;
  const roles = ['customer', 'driver', 'store', 'ops'] as const;

  app.get('/v1/orders/:id/eta', { config: { auth: roles }, schema: { tags: ['tracking'], summary: 'The current arrival estimate and the window promised at checkout', params: Id } }, async (req) => {
    const row = await tracking.access(callerOf(req), req.params.id);
    const eta = await tracking.estimate(row);
    return { order_id: row.order_id, status: row.status, eta: row.active ? etaView(eta) : null, parts: { prep_s: eta.prep_s, to_store_s: eta.to_store_s, to_customer_s: eta.to_customer_s } };
  });

  app.get(
    '/v1/orders/:id/tracking',
    { config: { auth: roles }, schema: { tags: ['tracking'], summary: 'Tracking without a socket: the snapshot and the messages after the cursor', params: Id, querystring: After } },
    async (req) => {
      const row = await tracking.access(callerOf(req), req.params.id);
      return { snapshot: await tracking.snapshot(row), messages: await tracking.messagesAfter(row.order_id, req.query.after) };
    },
  );

  // The socket: authorized before the upgrade (a refused caller gets a plain 401/403/404).
  scope.get<{ Params: { id: string }; Querystring: { after?: number } }>(
    '/v1/orders/:id/track',
    {
      websocket: true,
      config: { auth: roles },
      schema: { tags: ['tracking'], summary: 'Live tracking (WebSocket): status, driver position (≤ 1/s), ETA; resume with ?after=<seq>', params: Id, querystring: After },
      preHandler: async (req) => {
        await tracking.access(callerOf(req), req.params.id);
      },
    },
    (socket: WebSocket, req) => {
      void serve(socket, callerOf(req), req.params.id, Number(req.query.after ?? 0)).catch((err: unknown) => {
        req.log.warn({ err }, 'tracking socket failed');
        socket.close(1011, 'internal error');
      });
    },
  );

  async function serve(socket: WebSocket, by: Principal, orderId: string, after: number): Promise<void> {
    let lastSeq = after;
    let lastPositionAt = 0;
    let positions: Subscription | null = null;
    let driverId: string | null = null;
    const send = (msg: object, droppable = false) => {
      if (socket.readyState !== socket.OPEN) return;
      // A slow reader must not hold memory for everyone: positions are skipped, then it is cut.
      if (socket.bufferedAmount > DEAD_BYTES) return socket.terminate();
      if (droppable && socket.bufferedAmount > SLOW_BYTES) return;
      socket.send(JSON.stringify(msg));
    };
    const followDriver = (id: string | null) => {
      if (id === driverId) return;
      void positions?.close();
      positions = null;
      driverId = id;
      if (!id) return;
      positions = deps.bus.listen(positionTopic(id), (p) => {
        const now = Date.now();
        if (now - lastPositionAt < POSITION_EVERY_MS) return;
        lastPositionAt = now;
        const pos = p as { lat: number; lng: number; at: number };
        send({ type: 'position', lat: pos.lat, lng: pos.lng, at: new Date(pos.at).toISOString() }, true);
      });
    };
    const deliver = (m: TrackingMessage) => {
      if (m.seq <= lastSeq) return;
      lastSeq = m.seq;
      send(m);
      if (m.type === 'status') followDriver((m.driver_id as string | null) ?? null);
    };
    // Listen first, then read: nothing published in between is lost (duplicates are skipped by seq).
    const live = deps.bus.listen(trackingTopic(orderId), (m) => deliver(m as TrackingMessage));
    const heartbeat = setInterval(() => send({ type: 'heartbeat', at: new Date().toISOString() }), HEARTBEAT_MS);
    heartbeat.unref();
    socket.on('close', () => {
      clearInterval(heartbeat);
      void live.close();
      void positions?.close();
    });
    const row = await tracking.access(by, orderId);
    send(await tracking.snapshot(row));
    for (const m of await tracking.messagesAfter(orderId, after)) deliver(m);
    followDriver(row.driver_id);
  }
}
