import type { Principal } from '../../platform/auth/principal.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import type { Delivery, EventBus } from '../../platform/bus/port.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { messageOfRow } from '../../platform/realtime/log-table.ts';
import type { OrderEventPayload } from '../orders/index.ts';
import { iso, storeStreamFollower } from './store-stream.follower.ts';
import { MAX_REPLAY, type StoreLogMessage, type StoreSnapshot } from './store-stream.messages.ts';
import {
  type StreamOrderRow,
  storeLogRepository,
  storeStreamPrunes,
  streamOrdersRepository,
} from './store-stream.repository.ts';

/** Live topic of one store's stream messages. */
export const storeStreamTopic = (storeId: string) => `stores.${storeId}.orders`;

/**
 * The live order stream of each store: follows the orders' events into a numbered log per store
 * (`store_stream_messages`), flags paid orders near their accept deadline, and announces each
 * message after its commit on the store's live topic, where every API process serving a socket
 * of that store picks it up.
 */
export function storeStreamService(deps: {
  db: Db;
  clock: Clock;
  bus: EventBus;
  consumer: string;
  acceptTimeoutS: number;
  stores: { get(id: string): Promise<unknown> };
}) {
  const { db } = deps;
  const log = storeLogRepository(db);
  const follower = storeStreamFollower(deps);
  const announce = (storeId: string, messages: readonly StoreLogMessage[]) => {
    for (const m of messages) deps.bus.announce(storeStreamTopic(storeId), m);
  };

  return {
    announce,

    /** Applies one order event (once: with the consumer's inbox row), then announces its message. */
    async follow(event: DomainEvent<OrderEventPayload>, delivery: Delivery) {
      const out = await follower.follow(event, delivery);
      announce(event.payload.store_id, out);
      return out;
    },

    /** Flags paid orders near their accept deadline; announces each. */
    async flagWaiting(limit = 200): Promise<number> {
      const flagged = await follower.flagWaiting(limit);
      for (const f of flagged) announce(f.storeId, [f.m]);
      return flagged.length;
    },

    /** Whether `by` may follow the store: its own staff and ops (a store that does not exist: 404). */
    async access(by: Principal, storeId: string): Promise<void> {
      if (by.role === 'store' && by.storeId === storeId) return;
      if (by.role !== 'ops')
        throw new AppError('FORBIDDEN', "Only this store's staff and ops can follow its orders");
      await deps.stores.get(storeId);
    },

    /** The store's open orders and its log's last number, read in one snapshot. */
    snapshot: (storeId: string): Promise<StoreSnapshot> =>
      db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const seq = await storeLogRepository(trx).lastSeq(storeId);
          const orders = await streamOrdersRepository(trx).openOrders(storeId);
          return { type: 'snapshot', store_id: storeId, seq, orders: orders.map(openOrder) };
        }),

    /** Whether a client whose last message is `after` can be given what it missed from the log. */
    async canResume(storeId: string, after: number): Promise<boolean> {
      if (after <= 0) return false;
      const last = await log.lastSeq(storeId);
      if (after > last || last - after > MAX_REPLAY) return false;
      if (after === last) return true;
      const first = await log.firstKept(storeId);
      return first !== null && first <= after + 1;
    },

    /** The store's messages after the cursor, in order, at most `limit`. */
    async messagesAfter(storeId: string, after: number, limit = 500): Promise<StoreLogMessage[]> {
      return (await log.after(storeId, after, limit)).map(messageOfRow<StoreLogMessage>);
    },

    prune: storeStreamPrunes(db),
  };
}

function openOrder(o: StreamOrderRow): StoreSnapshot['orders'][number] {
  return {
    order_id: o.order_id,
    status: o.status as StoreSnapshot['orders'][number]['status'],
    total_minor: o.total_minor,
    currency: o.currency,
    status_at: iso(o.status_at),
    accept_by: o.status === 'authorized' && o.accept_by ? iso(o.accept_by) : null,
    waiting: o.status === 'authorized' && o.waiting,
  };
}

export type StoreStreamService = ReturnType<typeof storeStreamService>;
