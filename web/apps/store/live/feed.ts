import {
  type LastmileClient,
  openStoreOrdersSocket,
  type StoreOrdersMessage,
  type StoreOrdersSnapshot,
  type StoreOrdersSocket,
  unwrap,
} from '@lastmile/client';

/** An order in the store's queue: paid and not yet handed to the courier. */
export type QueueOrder = StoreOrdersSnapshot['orders'][number];

export interface FeedState {
  /** The open orders, oldest first. */
  orders: QueueOrder[];
  /** The socket is open (false while it connects or reconnects). */
  connected: boolean;
  /** New paid orders announced since the app started. */
  alerts: number;
}

/** Statuses the store still acts on; an order in any other leaves the queue. */
const OPEN = new Set<string>(['authorized', 'accepted', 'preparing', 'ready']);

export interface FeedHooks {
  /** One of the store's orders moved (or is waiting): its screen reads it again. */
  moved?: (orderId: string) => void;
  /** A new paid order arrived live (not one of the snapshot's). */
  arrived?: (order: QueueOrder) => void;
}

function apply(s: FeedState, msg: StoreOrdersMessage, hooks: FeedHooks): FeedState {
  switch (msg.type) {
    case 'snapshot':
      return { ...s, orders: msg.orders, connected: true };
    case 'waiting':
      hooks.moved?.(msg.order_id);
      return {
        ...s,
        orders: s.orders.map((o) => (o.order_id === msg.order_id ? { ...o, waiting: true } : o)),
      };
    case 'order': {
      hooks.moved?.(msg.order_id);
      const known = s.orders.find((o) => o.order_id === msg.order_id);
      const rest = s.orders.filter((o) => o.order_id !== msg.order_id);
      if (!OPEN.has(msg.status)) return { ...s, orders: rest };
      const order: QueueOrder = {
        order_id: msg.order_id,
        status: msg.status as QueueOrder['status'],
        total_minor: msg.total_minor,
        currency: msg.currency,
        status_at: msg.at,
        accept_by: msg.accept_by,
        waiting: known?.waiting === true && msg.status === 'authorized',
      };
      if (known) return { ...s, orders: s.orders.map((o) => (o === known ? order : o)) };
      if (msg.status === 'authorized') hooks.arrived?.(order);
      const alerts = s.alerts + (msg.status === 'authorized' ? 1 : 0);
      return { ...s, orders: [...rest, order], alerts };
    }
    default:
      return s;
  }
}

/**
 * The store's orders live over `GET /v1/stores/{id}/orders/live`: a snapshot, then numbered
 * messages; after a drop the SDK reconnects with a fresh ticket and resumes after the last one.
 */
export function orderFeed(api: LastmileClient, hooks: FeedHooks = {}) {
  const listeners = new Set<() => void>();
  let state: FeedState = { orders: [], connected: false, alerts: 0 };
  let socket: StoreOrdersSocket | null = null;
  let storeId: string | null = null;
  const set = (next: FeedState) => {
    if (next === state) return;
    state = next;
    listeners.forEach((fn) => fn());
  };
  const feed = {
    get state() {
      return state;
    },
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    start(id: string) {
      if (socket && storeId === id) return;
      feed.stop();
      storeId = id;
      socket = openStoreOrdersSocket({
        baseUrl: window.location.origin,
        storeId: id,
        auth: {
          ticket: async () =>
            (await unwrap(api.POST('/v1/realtime/tickets', { body: { socket: 'store-orders' } })))
              .ticket,
        },
      });
      socket.on('message', (msg) => set(apply(state, msg, hooks)));
      socket.on('close', () => set({ ...state, connected: false }));
    },
    stop() {
      socket?.close();
      socket = null;
      storeId = null;
      set({ ...state, orders: [], connected: false });
    },
  };
  return feed;
}
