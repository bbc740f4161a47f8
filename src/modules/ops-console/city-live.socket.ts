import { Type } from '@sinclair/typebox';
import type { WebSocket } from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { socketContract } from '../../platform/contract/socket-contract.ts';
import { Strict } from '../../platform/http/typed.ts';
import { closeOnFailure } from '../../platform/realtime/log-channel.ts';
import { DEAD_BYTES, HEARTBEAT_MS } from '../../platform/realtime/resumable-log.ts';
import { type CityOutgoing, opsCityChannel } from './city-live.messages.ts';
import type { CityCursor, CityPoller } from './city-poller.ts';

const contract = socketContract(opsCityChannel);

/**
 * Sends one message's text (made once for every socket) while the socket is open; the message,
 * where given, is checked against the contract (in tests). Frames are never skipped: a reader that
 * lets DEAD_BYTES pile up is cut instead, and resumes with its cursor.
 */
function sender(socket: WebSocket) {
  return (text: string, message?: CityOutgoing) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > DEAD_BYTES) return socket.terminate();
    if (message) contract.sent(message);
    socket.send(text);
  };
}

/** Serves one socket of the live city until it closes (the caller was authorized before the upgrade). */
function serveCity(
  socket: WebSocket,
  poller: CityPoller,
  cursor: CityCursor,
  fail: (e: unknown) => void,
) {
  const send = sender(socket);
  const member = poller.join();
  const heartbeat = setInterval(() => {
    const beat = { type: 'heartbeat' as const, at: new Date().toISOString() };
    send(JSON.stringify(beat), beat);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  socket.on('close', () => {
    clearInterval(heartbeat);
    member.leave();
  });
  member.ready.then(
    () =>
      member.start(
        cursor,
        (m) => send(m.text, m.message),
        (f) => send(f.text, f.message),
      ),
    fail,
  );
}

/** `GET /v1/ops/city/live`: the ops console's live map (WebSocket). */
export async function opsCityRoutes(app: FastifyInstance, deps: { poller: CityPoller }) {
  app.addHook('onClose', async () => deps.poller.stop());
  app.get<{ Querystring: { after?: number; epoch?: string } }>(
    '/v1/ops/city/live',
    {
      websocket: true,
      config: { auth: ['ops'], socket: 'ops-city' },
      schema: {
        tags: ['ops'],
        summary:
          'The live city (WebSocket): drivers and where they are, open orders, stores and zones; resume with ?after=<seq>&epoch=<epoch>',
        querystring: Strict({
          after: Type.Integer({
            minimum: 0,
            maximum: 2 ** 31 - 1,
            default: 0,
            description: 'Resume cursor: the last `seq` received (with its `epoch`)',
          }),
          epoch: Type.Optional(
            Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
          ),
        }),
      },
    },
    (socket: WebSocket, req) => {
      const fail = closeOnFailure(socket, req.log, 'ops city');
      const cursor = { after: Number(req.query.after ?? 0), epoch: req.query.epoch };
      serveCity(socket, deps.poller, cursor, fail);
    },
  );
}
