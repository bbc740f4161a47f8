import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import { callerOf } from '../../platform/http/auth-hook.ts';
import type { EventBus } from '../../platform/bus/port.ts';
import { socketContract, type Verdict } from '../../platform/contract/socket-contract.ts';
import { AppError } from '../../platform/errors.ts';
import { listenInOrder } from './driver-pushes.ts';
import { type DriverChannelOutgoing, driverChannel as channel } from './driver-channel.messages.ts';
import { ownDriverId } from './drivers.service.ts';
import { parsePointsMessage } from './location-input.ts';
import type { LocationIngest } from './location-ingest.ts';

/** Live topic of pushes to one driver's app (offers, reassignments). */
export const driverTopic = (driverId: string) => `drivers.${driverId}`;

const HEARTBEAT_MS = 25_000;

const contract = socketContract(channel);

/**
 * The driver app's WebSocket (`GET /v1/drivers/me/channel`; a bearer token, subprotocol or ticket
 * on the upgrade). In: `locations` (same rules as the REST upload) and `ping`; out: `ack`, `pong`
 * and `error` replies carrying the message's `ref`, and whatever the platform pushes to this driver
 * (`offer`, …) from any process, through the bus, in the order of the trips' versions
 * (driver-pushes.ts). Every message is declared in driver-channel.messages.ts. Pushes are at most
 * once: on (re)connect the app reads its open offer over REST.
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
      const send = (msg: DriverChannelOutgoing) => {
        if (socket.readyState !== socket.OPEN) return;
        contract.sent(msg);
        socket.send(JSON.stringify(msg));
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
      const handle = messageHandler(driverId, deps.ingest, send, req.log);
      socket.on('message', (data) => {
        alive = true;
        void handle(String(data));
      });
      socket.on('close', () => {
        clearInterval(heartbeat);
        void live.close();
      });
    },
  );
}

/**
 * Answers one client message: `pong` to a ping, `ack` to locations it took, `error` to anything it
 * refused (each with the message's `ref`).
 */
function messageHandler(
  driverId: string,
  ingest: LocationIngest,
  send: (msg: DriverChannelOutgoing) => void,
  log: FastifyBaseLogger,
) {
  return async function handle(text: string): Promise<void> {
    let msg: { type?: unknown; ref?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      contract.received(text, 'refused');
      return send({
        type: 'error',
        ref: null,
        code: 'VALIDATION_FAILED',
        detail: 'messages are JSON objects',
      });
    }
    const ref = typeof msg?.ref === 'string' || typeof msg?.ref === 'number' ? msg.ref : null;
    try {
      if (msg?.type === 'ping') {
        contract.received(msg, 'accepted');
        return send({ type: 'pong', ref });
      }
      if (msg?.type !== 'locations')
        throw new AppError('VALIDATION_FAILED', 'type: expected "locations" or "ping"');
      const result = await ingest.ingest(driverId, parsePointsMessage(msg));
      contract.received(msg, 'accepted');
      send({ type: 'ack', ref, ...result });
    } catch (err) {
      const e =
        err instanceof AppError
          ? err
          : new AppError('INTERNAL', 'An internal error occurred', { cause: err });
      if (e.code === 'INTERNAL') log.error({ err }, 'driver channel message failed');
      // Only a refusal for the message's content says something about its schema.
      const verdict: Verdict = e.code === 'VALIDATION_FAILED' ? 'refused' : 'unjudged';
      contract.received(msg, verdict);
      send({
        type: 'error',
        ref,
        code: e.code,
        detail: e.message,
        ...(e.retryAfterS ? { retry_after_s: e.retryAfterS } : {}),
      });
    }
  };
}
