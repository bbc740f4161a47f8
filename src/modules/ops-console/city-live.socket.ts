import type { WebSocket } from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { socketContract } from '../../platform/contract/socket-contract.ts';
import { closeOnFailure } from '../../platform/realtime/log-channel.ts';
import { DEAD_BYTES, heartbeatUntilClosed } from '../../platform/realtime/resumable-log.ts';
import { CityCursorQuery, type CityOutgoing, opsCityChannel } from './city-live.messages.ts';
import type { CityCursor, CityPoller } from './city-poller.ts';

const contract = socketContract(opsCityChannel);

/**
 * Sends one socket's messages while it is open: each one's text (made once for every socket), the
 * message, where given, checked against the contract (in tests). Frames are never skipped: a
 * reader DEAD_BYTES behind is cut instead, and resumes with its cursor. Behind is what piled up
 * beyond what the snapshot or replay it started with left buffered, less what it drained since: a
 * snapshot of a whole city is more than DEAD_BYTES, and a reader may need several ticks to take it.
 */
export function citySender(socket: WebSocket) {
  /** The least buffered since the start: what is buffered beyond it piled up since. */
  let floor = 0;
  const write = (text: string, message?: CityOutgoing) => {
    if (message) contract.sent(message);
    socket.send(text);
  };
  return {
    /** A part of the snapshot or replay the reader starts with: sent whatever is buffered. */
    first(text: string, message?: CityOutgoing) {
      if (socket.readyState !== socket.OPEN) return;
      write(text, message);
      floor = socket.bufferedAmount;
    },
    /** A frame or a heartbeat: the reader is cut instead when DEAD_BYTES piled up. */
    next(text: string, message?: CityOutgoing) {
      if (socket.readyState !== socket.OPEN) return;
      floor = Math.min(floor, socket.bufferedAmount);
      if (socket.bufferedAmount - floor > DEAD_BYTES) return socket.terminate();
      write(text, message);
    },
  };
}

/** Serves one socket of the live city until it closes (the caller was authorized before the upgrade). */
function serveCity(
  socket: WebSocket,
  poller: CityPoller,
  cursor: CityCursor,
  fail: (e: unknown) => void,
) {
  const send = citySender(socket);
  const member = poller.join();
  heartbeatUntilClosed(socket, (beat) => send.next(JSON.stringify(beat), beat), member.leave);
  member.ready.then(
    () =>
      member.start(
        cursor,
        (m) => send.first(m.text, m.message),
        (f) => send.next(f.text, f.message),
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
        querystring: CityCursorQuery,
      },
    },
    (socket: WebSocket, req) => {
      const fail = closeOnFailure(socket, req.log, 'ops city');
      const cursor = { after: Number(req.query.after ?? 0), epoch: req.query.epoch };
      serveCity(socket, deps.poller, cursor, fail);
    },
  );
}
