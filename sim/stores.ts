import { rngFor } from '../src/cli/seed-random.ts';
import type { paths } from '../src/client/index.ts';
import type { Body } from './api-types.ts';
import type { SimClient } from './client.ts';
import { storeFeed, Wake } from './listen.ts';
import { note, persist, type SimState, type SimStore } from './state.ts';

/**
 * The counter hears new and moved orders on the store's live stream; it reads the order lists
 * over HTTP only this often besides (a stream that was down for a while resumes from the log).
 */
const FALLBACK_LIST_S = 30;
/** The statuses the counter acts on; any other leaves its hands. */
const OPEN = new Set<string>(['authorized', 'accepted', 'preparing']);

type OrderSummary = Body<'/v1/orders', 'get'>['items'][number];
type OrderStatus = NonNullable<
  NonNullable<paths['/v1/orders']['get']['parameters']['query']>['status']
>;

/** One store's counter: what the staff remember between two looks at the orders. */
interface Counter {
  s: SimState;
  store: SimStore;
  api: SimClient;
  firstSeen: Map<string, number>;
  readyDue: Map<string, number>;
  busy: Set<string>;
  attempt: number;
  /** The store's orders that need the staff, by status, as the stream (or a list) last said. */
  open: Map<string, string>;
  wake: Wake;
}

/**
 * Store staff: accept what came in after a moment's look, pick and pack, mark ready. The counter
 * follows the store's live orders and acts when something is due; an answer lost to a crashed API
 * process is tried again at the next look (with the same Idempotency-Key).
 */
export async function runStore(s: SimState, store: SimStore): Promise<void> {
  const c: Counter = {
    s,
    store,
    api: s.api.as(store.token),
    firstSeen: new Map(),
    readyDue: new Map(),
    busy: new Set(),
    attempt: 0,
    open: new Map(),
    wake: new Wake(),
  };
  const feed = storeFeed(s, store);
  feed.on('message', (m) => {
    if (m.type === 'snapshot') {
      c.open.clear();
      for (const o of m.orders) c.open.set(o.order_id, o.status);
    } else if (m.type === 'order') {
      if (OPEN.has(m.status)) c.open.set(m.order_id, m.status);
      else c.open.delete(m.order_id);
    } else return;
    c.wake.ring();
  });
  let listAt = 0;
  while (!s.stopping) {
    let nextDue = Date.now() + FALLBACK_LIST_S * 1000;
    try {
      if (Date.now() >= listAt) {
        listAt = Date.now() + FALLBACK_LIST_S * 1000;
        await relist(c);
      }
      nextDue = Math.min(nextDue, look(c), listAt);
    } catch (err) {
      note(s, `store ${store.index} counter`, err);
    }
    await c.wake.wait(nextDue - Date.now());
  }
  feed.close();
}

/** A key per attempt: its retries after a lost answer replay, a later attempt asks anew. */
const keyOf = (c: Counter, what: string, id: string) => `${what}-${id}-${++c.attempt}`;

/** Works on an order unless someone at the counter already is. */
function act(c: Counter, id: string, work: () => Promise<void>): void {
  if (c.busy.has(id)) return;
  c.busy.add(id);
  void work()
    .catch((err: unknown) => note(c.s, `store ${c.store.index} order ${id}`, err))
    .finally(() => {
      c.busy.delete(id);
      // Look again shortly: the stream says what the answer changed, but not what it refused.
      setTimeout(() => c.wake.ring(), 1000);
    });
}

async function list(c: Counter, status: OrderStatus): Promise<OrderSummary[]> {
  const res = await c.api.GET('/v1/orders', { params: { query: { status, limit: 100 } } });
  return res.response.status === 200 ? (res.data?.items ?? []) : [];
}

/** Reads the open orders over HTTP, for whatever the stream missed. */
async function relist(c: Counter): Promise<void> {
  const lists = await Promise.all([...OPEN].map((status) => list(c, status as OrderStatus)));
  c.open.clear();
  for (const o of lists.flat()) c.open.set(o.id, o.status);
}

/**
 * One look at the orders waiting: new ones answered, accepted ones started, prepared ones readied.
 * Answers when the next one falls due (epoch ms).
 */
function look(c: Counter): number {
  const { s, store } = c;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  const rngOf = (id: string) => rngFor(`sim:${s.cfg.seed}:order:${id}`);
  for (const [id, status] of c.open) {
    if (status === 'authorized') {
      const v = s.orders.get(id)?.visit;
      const seen = c.firstSeen.get(id) ?? now;
      c.firstSeen.set(id, seen);
      const due = seen + (v?.storeAcceptAfterS ?? 5 + rngOf(id)() * 30) * 1000;
      if (now < due) next = Math.min(next, due);
      else act(c, id, () => answer(c, id));
    } else if (status === 'accepted') {
      const key = keyOf(c, 'preparing', id);
      act(c, id, () => prepare(c, id, key));
    } else if (status === 'preparing') {
      const due = c.readyDue.get(id) ?? now + store.prepMeanS * 1000;
      c.readyDue.set(id, due);
      if (now < due) next = Math.min(next, due);
      else act(c, id, () => markReady(c, id));
    }
  }
  return next;
}

/** The order and the key of one attempt at one of its steps (see `keyOf`). */
const stepOf = (id: string, key: string) => ({
  params: { path: { id }, header: { 'idempotency-key': key } },
});

async function prepare(c: Counter, id: string, key: string): Promise<void> {
  await persist(c.s, () => c.api.POST('/v1/orders/{id}/preparing', stepOf(id, key)));
}

/** Rejects the order if the plan says so, else accepts it and starts preparing. */
async function answer(c: Counter, id: string): Promise<void> {
  const { s, store, api } = c;
  const v = s.orders.get(id)?.visit;
  if (v?.storeRejects) {
    const key = keyOf(c, 'reject', id);
    await persist(s, () =>
      api.POST('/v1/orders/{id}/reject', { ...stepOf(id, key), body: { reason: 'items damaged' } }),
    );
    return;
  }
  const acceptKey = keyOf(c, 'accept', id);
  const accepted = await persist(s, () =>
    api.POST('/v1/orders/{id}/accept', stepOf(id, acceptKey)),
  );
  if (accepted?.response.status !== 200) return;
  const t = s.orders.get(id);
  if (t) t.acceptedAt = Date.now();
  c.readyDue.set(id, Date.now() + (v?.prepS ?? store.prepMeanS) * 1000);
  await prepare(c, id, keyOf(c, 'preparing', id));
}

/** Marks the bag ready, one unit short of the first line when the plan says an item is missing. */
async function markReady(c: Counter, id: string): Promise<void> {
  const { s, api } = c;
  const t = s.orders.get(id);
  let picked: Array<{ product_id: string; quantity: number }> = [];
  if (t?.visit.missingItem) {
    const detail = await persist(s, () => api.GET('/v1/orders/{id}', { params: { path: { id } } }));
    const line = detail?.data?.lines?.[0];
    if (line) picked = [{ product_id: line.product_id, quantity: line.quantity - 1 }];
  }
  const readyKey = keyOf(c, 'ready', id);
  const ready = await persist(s, () =>
    api.POST('/v1/orders/{id}/ready', { ...stepOf(id, readyKey), body: { picked } }),
  );
  if (ready?.response.status === 200 && t) t.readyAt = Date.now();
}
