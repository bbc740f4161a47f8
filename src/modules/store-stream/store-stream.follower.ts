import { setTimeout as sleep } from 'node:timers/promises';
import { onceWithInbox } from '../../platform/bus/inbox.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import type { Delivery } from '../../platform/bus/port.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { storedEntry } from '../../platform/realtime/log-table.ts';
import type { OrderEventPayload } from '../orders/index.ts';
import {
  isStreamOrderStatus,
  type StoreLogEntry,
  type StoreLogMessage,
} from './store-stream.messages.ts';
import { storeLogRepository, streamOrdersRepository } from './store-stream.repository.ts';

/** A paid order is "waiting too long" once this share of its accept window has passed. */
export const WAITING_SHARE = 2 / 3;
/** How long an event that skips a change of its order waits for it, polling. */
const GAP_WAIT_MS = 250;
const GAP_POLL_MS = 25;

const ENDS: ReadonlySet<string> = new Set(['canceled', 'failed']);
export const iso = (d: Date) => d.toISOString();

/** Appends a message to the store's log in the caller's transaction (numbered under its lock). */
export async function appendToStoreLog(trx: Db, storeId: string, entry: StoreLogEntry, at: Date) {
  const seq = await storeLogRepository(trx).append({
    store_id: storeId,
    order_id: entry.order_id,
    ...storedEntry(entry, at),
  });
  return { seq, ...entry } as StoreLogMessage;
}

/** In the inbox transaction: the order's row moved by the event, and its message if shown. */
async function apply(
  deps: { clock: Clock; acceptTimeoutS: number },
  trx: Db,
  event: DomainEvent<OrderEventPayload>,
) {
  const p = event.payload;
  if (!isStreamOrderStatus(p.status)) return [];
  const orders = streamOrdersRepository(trx);
  const at = new Date(event.occurredAt);
  const facts = {
    order_id: p.order_id,
    store_id: p.store_id,
    total_minor: p.total_minor,
    currency: p.currency,
    status_at: at,
  };
  const blank = { ...facts, status: p.status, version: 0, shown: false, accept_by: null };
  const row = await orders.lockOrder(blank);
  // Stale or repeated: a newer change of the order was applied already.
  if (row.version >= p.version) return [];
  // Anything but an end means the order was paid; an end shows only an order the store saw.
  const shown = row.shown || !ENDS.has(p.status);
  const acceptBy =
    p.status === 'authorized' ? new Date(at.getTime() + deps.acceptTimeoutS * 1000) : row.accept_by;
  await orders.writeOrder(
    { ...facts, status: p.status, version: p.version, shown, accept_by: acceptBy },
    new Date(deps.clock.now()),
  );
  if (!shown) return [];
  const entry: StoreLogEntry = {
    type: 'order',
    order_id: p.order_id,
    status: p.status,
    total_minor: p.total_minor,
    currency: p.currency,
    at: iso(at),
    accept_by: p.status === 'authorized' && acceptBy ? iso(acceptBy) : null,
    reason: p.reason,
  };
  return [await appendToStoreLog(trx, p.store_id, entry, new Date(deps.clock.now()))];
}

/**
 * Turns the orders' events into the stores' logs, and flags paid orders near their accept
 * deadline. Returns what it appended; the caller announces it after the commit.
 */
export function storeStreamFollower(deps: {
  db: Db;
  clock: Clock;
  consumer: string;
  acceptTimeoutS: number;
}) {
  const { db, clock } = deps;

  /**
   * Events of one order are handled concurrently: a move handled before the one it follows (the
   * store accepts at once, the paid event still in another handler) waits briefly for it on its
   * first delivery, so the stream shows both in order; after that it is applied, and the skipped
   * one, arriving later, is dropped as stale. No connection is held meanwhile.
   */
  async function waitForGap(p: OrderEventPayload) {
    const deadline = Date.now() + GAP_WAIT_MS;
    for (;;) {
      const row = await streamOrdersRepository(db).findOrder(p.order_id);
      const inOrder = row
        ? row.version === 0 || row.version + 1 >= p.version
        : p.status === 'authorized' || ENDS.has(p.status);
      if (inOrder || Date.now() >= deadline) return;
      await sleep(GAP_POLL_MS);
    }
  }

  return {
    /** Applies one order event, once (with the consumer's inbox row); returns its message. */
    async follow(event: DomainEvent<OrderEventPayload>, delivery: Delivery) {
      if (delivery.attempt === 1) await waitForGap(event.payload);
      let out: StoreLogMessage[] = [];
      await onceWithInbox(db, deps.consumer, async (trx) => {
        out = await apply(deps, trx, event);
      })(event, delivery);
      return out;
    },

    /** Flags paid orders that have waited `WAITING_SHARE` of their accept window. */
    flagWaiting: (limit: number) =>
      db.transaction().execute(async (trx) => {
        const now = clock.now();
        const by = new Date(now + deps.acceptTimeoutS * 1000 * (1 - WAITING_SHARE));
        const orders = streamOrdersRepository(trx);
        const out: Array<{ storeId: string; m: StoreLogMessage }> = [];
        for (const o of await orders.claimUnanswered(by, limit)) {
          await orders.markWaiting(o.order_id);
          const entry: StoreLogEntry = {
            type: 'waiting',
            order_id: o.order_id,
            accept_by: iso(o.accept_by ?? new Date(now)),
            at: iso(new Date(now)),
          };
          const m = await appendToStoreLog(trx, o.store_id, entry, new Date(now));
          out.push({ storeId: o.store_id, m });
        }
        return out;
      }),
  };
}
