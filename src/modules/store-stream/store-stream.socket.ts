import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { EventBus } from '../../platform/bus/port.ts';
import { socketContract } from '../../platform/contract/socket-contract.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, Uuid } from '../../platform/http/typed.ts';
import { closeOnFailure } from '../../platform/realtime/log-channel.ts';
import { logSender, serveResumableLog } from '../../platform/realtime/resumable-log.ts';
import {
  type StoreLogMessage,
  type StoreStreamOutgoing,
  storeStreamChannel,
} from './store-stream.messages.ts';
import { type StoreStreamService, storeStreamTopic } from './store-stream.service.ts';

const contract = socketContract(storeStreamChannel);

/**
 * Serves one store stream socket (the caller was authorized before the upgrade): a snapshot when
 * the client starts or is too far behind, the log after its cursor, then live messages, in `seq`
 * order with no gap (see resumable-log.ts).
 */
function serveStoreStream(
  socket: WebSocket,
  deps: { stream: StoreStreamService; bus: EventBus },
  storeId: string,
  after: number,
  fail: (err: unknown) => void,
): void {
  const { stream } = deps;
  const send = logSender<StoreStreamOutgoing>(socket, contract);
  serveResumableLog<StoreLogMessage>(socket, {
    bus: deps.bus,
    topic: storeStreamTopic(storeId),
    after,
    send,
    read: (from, limit) => stream.messagesAfter(storeId, from, limit),
    start: async () => {
      if (await stream.canResume(storeId, after)) return;
      const snapshot = await stream.snapshot(storeId);
      send(snapshot);
      return snapshot.seq;
    },
    fail,
  });
}

/** `GET /v1/stores/:id/orders/live`: the store app's incoming orders, live (WebSocket). */
export async function storeStreamRoutes(
  app: FastifyInstance,
  deps: { stream: StoreStreamService; bus: EventBus },
): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { after?: number } }>(
    '/v1/stores/:id/orders/live',
    {
      websocket: true,
      config: { auth: ['store', 'ops'], socket: 'store-orders' },
      schema: {
        tags: ['store orders'],
        summary:
          "A store's orders live (WebSocket): new paid orders, every move, orders waiting too long; resume with ?after=<seq>",
        params: Strict({ id: Uuid }),
        querystring: Strict({
          after: Type.Integer({
            minimum: 0,
            maximum: 2 ** 31 - 1,
            default: 0,
            description: 'Resume cursor: the last `seq` received (0: start with a snapshot)',
          }),
        }),
      },
      // A caller who may not follow the store is refused before the upgrade.
      preHandler: async (req) => {
        await deps.stream.access(callerOf(req), req.params.id);
      },
    },
    (socket: WebSocket, req) => {
      const fail = closeOnFailure(socket, req.log, 'store stream');
      serveStoreStream(socket, deps, req.params.id, Number(req.query.after ?? 0), fail);
    },
  );
}
