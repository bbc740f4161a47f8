import type { WebSocket } from '@fastify/websocket';
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from '../contract/schemas.ts';
import {
  type MessageOf,
  type SocketCloseCode,
  socketMessage,
} from '../contract/socket-contract.ts';
import { Strict } from '../http/typed.ts';

/** What every resumable log socket declares besides its own messages (see resumable-log.ts). */

export const HeartbeatMessage = socketMessage(
  'heartbeat',
  Strict({ type: Type.Literal('heartbeat'), at: DateTime }),
  'Sent every 25 s so proxies keep the connection open; carries nothing else.',
);
export type Heartbeat = MessageOf<typeof HeartbeatMessage>;

/** The close codes of a resumable log socket. */
export const LOG_SOCKET_CLOSE = {
  internal: {
    code: 1011,
    reason: 'internal error',
    when: 'Reading the snapshot or the log failed; reconnect with `after`.',
  },
} satisfies Record<string, SocketCloseCode>;

/** A failed step of a log socket: logged, and the socket closed with `internal` (1011). */
export function closeOnFailure(socket: WebSocket, log: FastifyBaseLogger, what: string) {
  return (err: unknown) => {
    log.warn({ err }, `${what} socket failed`);
    const { code, reason } = LOG_SOCKET_CLOSE.internal;
    socket.close(code, reason);
  };
}
