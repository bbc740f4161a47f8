import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from '@fastify/websocket';
import type { EventBus } from '../../platform/bus/port.ts';
import { socketContract } from '../../platform/contract/socket-contract.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, Uuid } from '../../platform/http/typed.ts';
import {
  type StoreLogMessage,
  type StoreStreamOutgoing,
  storeStreamChannel,
} from './store-stream.messages.ts';
import { type StoreStreamService, storeStreamTopic } from './store-stream.service.ts';

const HEARTBEAT_MS = 25_000;
/** A reader this far behind is cut (it resumes with `after`), so it cannot hold memory for everyone. */
const DEAD_BYTES = 4 * 1024 * 1024;
/** Log messages read per query when a subscriber catches up. */
const REPLAY_PAGE = 500;

const contract = socketContract(storeStreamChannel);

/**
 * Serves one store stream socket (the caller was authorized before the upgrade): a snapshot when
 * the client starts or is too far behind, the log after its cursor, then live messages, in `seq`
 * order with no gap: the same queue discipline as the order tracking socket.
 */
function serveStoreStream(
  socket: WebSocket,
  deps: { stream: StoreStreamService; bus: EventBus },
  storeId: string,
  after: number,
  fail: (err: unknown) => void,
): void {
  const { stream } = deps;
  let lastSeq = after;
  const send = (msg: StoreStreamOutgoing) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > DEAD_BYTES) return socket.terminate();
    contract.sent(msg);
    socket.send(JSON.stringify(msg));
  };
  const emit = (m: StoreLogMessage) => {
    if (m.seq <= lastSeq) return;
    lastSeq = m.seq;
    send(m);
  };
  const catchUp = async (upTo: number) => {
    for (;;) {
      const page = await stream.messagesAfter(storeId, lastSeq, REPLAY_PAGE);
      for (const m of page) emit(m);
      if (page.length < REPLAY_PAGE || lastSeq >= upTo) return;
    }
  };
  // One queue for the snapshot, the replay and the live messages: a live message waits behind the
  // replay, and one ahead of the cursor first fetches the gap from the log (message k is announced
  // after its commit and numbered under the store's row lock, so all before k are in the log).
  let queue = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    queue = queue
      .then(async () => {
        if (socket.readyState === socket.OPEN) await step();
      })
      .catch(fail);
  };
  // Listen first, then read: nothing announced in between is lost (it waits in the queue).
  const live = deps.bus.listen(storeStreamTopic(storeId), (data) => {
    const m = data as StoreLogMessage;
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
  });
  enqueue(async () => {
    if (!(await stream.canResume(storeId, after))) {
      const snapshot = await stream.snapshot(storeId);
      send(snapshot);
      lastSeq = snapshot.seq;
    }
    await catchUp(Number.POSITIVE_INFINITY);
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
      serveStoreStream(socket, deps, req.params.id, Number(req.query.after ?? 0), (err) => {
        req.log.warn({ err }, 'store stream socket failed');
        socket.close(1011, 'internal error');
      });
    },
  );
}
