import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { callerOf } from '../../platform/http/auth-hook.ts';
import type { EventBus } from '../../platform/bus/port.ts';
import { AppError } from '../../platform/errors.ts';
import { listenInOrder } from './driver-pushes.ts';
import { ownDriverId } from './drivers.service.ts';
import { parsePointsMessage } from './location-input.ts';
import type { LocationIngest } from './location-ingest.ts';

/** Live topic of pushes to one driver's app (offers, reassignments). */
export const driverTopic = (driverId: string) => `drivers.${driverId}`;

const HEARTBEAT_MS = 25_000;

/**
 * The driver app's WebSocket (`GET /v1/drivers/me/channel`; a bearer token, subprotocol or ticket
 * on the upgrade). In:
 * `{"type":"locations","ref":…,"points":[…]}` (same rules as the REST upload), `{"type":"ping"}`.
 * Out: `{"type":"ack","ref",accepted,dropped}`, `{"type":"error","ref",code,detail}`, and whatever
 * the platform pushes to this driver (`{"type":"offer",…}`) from any process, through the bus, in
 * the order of the trips' versions (driver-pushes.ts). Pushes are at most once: on (re)connect the
 * app reads its open offer over REST.
 */
export function driverChannel(
  app: FastifyInstance,
  deps: { ingest: LocationIngest; bus: EventBus },
): void {
  app.get(
    '/v1/drivers/me/channel',
    {
      websocket: true,
      config: { auth: ['driver'], socket: 'driver' },
      schema: {
        tags: ['drivers'],
        summary: 'Driver app channel (WebSocket): locations in, offers out',
      },
      // An account without a driver profile is refused before the upgrade.
      preHandler: async (req) => {
        ownDriverId(callerOf(req));
      },
    },
    (socket: WebSocket, req) => {
      const driverId = ownDriverId(callerOf(req));
      const send = (msg: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
      };
      const live = listenInOrder(deps.bus, driverTopic(driverId), send);
      let alive = true;
      const heartbeat = setInterval(() => {
        if (!alive) return socket.terminate();
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      heartbeat.unref();
      socket.on('pong', () => {
        alive = true;
      });
      socket.on('message', (data) => {
        alive = true;
        void handle(String(data));
      });
      socket.on('close', () => {
        clearInterval(heartbeat);
        void live.close();
      });

      async function handle(text: string): Promise<void> {
        let msg: { type?: unknown; ref?: unknown };
        try {
          msg = JSON.parse(text) as typeof msg;
        } catch {
          return send({
            type: 'error',
            code: 'VALIDATION_FAILED',
            detail: 'messages are JSON objects',
          });
        }
        const ref = typeof msg?.ref === 'string' || typeof msg?.ref === 'number' ? msg.ref : null;
        try {
          if (msg?.type === 'ping') return send({ type: 'pong', ref });
          if (msg?.type !== 'locations')
            throw new AppError('VALIDATION_FAILED', 'type: expected "locations" or "ping"');
          const result = await deps.ingest.ingest(driverId, parsePointsMessage(msg));
          send({ type: 'ack', ref, ...result });
        } catch (err) {
          const e =
            err instanceof AppError
              ? err
              : new AppError('INTERNAL', 'An internal error occurred', { cause: err });
          if (e.code === 'INTERNAL') req.log.error({ err }, 'driver channel message failed');
          send({
            type: 'error',
            ref,
            code: e.code,
            detail: e.message,
            ...(e.retryAfterS ? { retry_after_s: e.retryAfterS } : {}),
          });
        }
      }
    },
  );
}
