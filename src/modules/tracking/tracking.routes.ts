import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { Principal } from '../../platform/auth/principal.ts';
import type { EventBus, Subscription } from '../../platform/bus/port.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { positionTopic } from '../drivers/index.ts';
import {
  etaView,
  type TrackingMessage,
  type TrackingService,
  trackingTopic,
} from './tracking.service.ts';

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

const HEARTBEAT_MS = 25_000;
/** Driver positions reach a subscriber at most this often. */
const POSITION_EVERY_MS = 1000;
/** A subscriber this far behind gets no positions until it catches up; further behind, it is cut. */
const SLOW_BYTES = 256 * 1024;
const DEAD_BYTES = 4 * 1024 * 1024;
/** Log messages read per query when a subscriber catches up. */
const REPLAY_PAGE = 500;

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

  // The socket: authorized before the upgrade (a refused caller gets a plain 401/403/404).
  scope.get<{ Params: { id: string }; Querystring: { after?: number } }>(
    '/v1/orders/:id/track',
    {
      websocket: true,
      config: { auth: roles },
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
      serve(socket, callerOf(req), req.params.id, Number(req.query.after ?? 0), (err) => {
        req.log.warn({ err }, 'tracking socket failed');
        socket.close(1011, 'internal error');
      });
    },
  );

  function serve(
    socket: WebSocket,
    by: Principal,
    orderId: string,
    after: number,
    fail: (err: unknown) => void,
  ): void {
    let lastSeq = after;
    let lastPositionAt = 0;
    let positions: Subscription | null = null;
    let driverId: string | null = null;
    // Status messages up to the snapshot's seq are older than the driver the snapshot names.
    let snapshotSeq = Number.POSITIVE_INFINITY;
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
        send(
          { type: 'position', lat: pos.lat, lng: pos.lng, at: new Date(pos.at).toISOString() },
          true,
        );
      });
    };
    /** Sends the next message of the log; older ones were sent already (a replay and the live topic overlap). */
    const emit = (m: TrackingMessage) => {
      if (m.seq <= lastSeq) return;
      lastSeq = m.seq;
      send(m);
      if (m.type === 'status' && m.seq > snapshotSeq)
        followDriver((m.driver_id as string | null) ?? null);
    };
    /** Sends the log after the cursor, page by page, until it has sent `upTo` or reached the end. */
    const catchUp = async (upTo: number) => {
      for (;;) {
        const page = await tracking.messagesAfter(orderId, lastSeq, REPLAY_PAGE);
        for (const m of page) emit(m);
        if (page.length < REPLAY_PAGE || lastSeq >= upTo) return;
      }
    };
    // The snapshot, the replay and every live message go out through one queue, so the client gets
    // the log in seq order with no gap. A live message that arrives while the replay is being read
    // waits behind it: sent at once it would move the cursor past the replay, which would then be
    // skipped. A live message ahead of the cursor (announcements of one order may overtake each
    // other: several handlers, the ETA refresh) first fetches the gap from the log; message k is
    // announced after its commit and numbered under the order row's lock, so all before k are in it.
    let queue = Promise.resolve();
    const enqueue = (step: () => Promise<void>) => {
      queue = queue
        .then(async () => {
          if (socket.readyState === socket.OPEN) await step();
        })
        .catch(fail);
    };
    // Listen first, then read: nothing published in between is lost (it waits in the queue).
    const live = deps.bus.listen(trackingTopic(orderId), (data) => {
      const m = data as TrackingMessage;
      enqueue(async () => {
        if (m.seq > lastSeq + 1) await catchUp(m.seq - 1);
        emit(m);
      });
    });
    const heartbeat = setInterval(
      () => send({ type: 'heartbeat', at: new Date().toISOString() }),
      HEARTBEAT_MS,
    );
    heartbeat.unref();
    socket.on('close', () => {
      clearInterval(heartbeat);
      void live.close();
      void positions?.close();
    });
    enqueue(async () => {
      const row = await tracking.access(by, orderId);
      send(await tracking.snapshot(row));
      snapshotSeq = row.seq;
      followDriver(row.driver_id);
      await catchUp(Number.POSITIVE_INFINITY);
    });
  }
}
