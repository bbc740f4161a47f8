import type { WebSocket } from '@fastify/websocket';
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from '../contract/schemas.ts';
import {
  type MessageOf,
  type SocketChannel,
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

/** A logged message's number in its stream's log (`log`: "the store's log", "the order's log"). */
export const logSeq = (log: string) =>
  Type.Integer({ minimum: 1, description: `The message's number in ${log}` });

/** A snapshot's number: the last of the log (`log`, as for `logSeq`) when it was read. */
export const snapshotSeq = (log: string) =>
  Type.Integer({
    minimum: 0,
    description: `The number of the last message in ${log} when the snapshot was read`,
  });

/** A socket's single-use ticket in its query (the socket guard takes it before the route's schema). */
export const TicketQuery = Type.Optional(
  Type.String({
    description: 'A single-use ticket for this socket, for clients that cannot send a bearer',
  }),
);

/** The query of a log socket: the resume cursor (`atZero`: what `after=0` starts with) and a ticket. */
const logSocketQuery = (atZero: string) =>
  Strict({
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2 ** 31 - 1,
        default: 0,
        description: `Resume cursor: the last \`seq\` the client received (0: ${atZero})`,
      }),
    ),
    ticket: TicketQuery,
  });

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

/**
 * A log socket's channel: its own messages (`sends`, which the heartbeat follows), none from the
 * client, and the close codes above.
 */
export const logSocketChannel = (
  channel: Omit<SocketChannel, 'query' | 'receives' | 'closeCodes'> & { atZero: string },
): SocketChannel => {
  const { atZero, ...rest } = channel;
  return {
    ...rest,
    query: logSocketQuery(atZero),
    sends: [...channel.sends, HeartbeatMessage],
    receives: [],
    closeCodes: Object.values(LOG_SOCKET_CLOSE),
  };
};
