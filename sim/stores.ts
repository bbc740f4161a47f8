import { rngFor } from '../src/cli/seed-random.ts';
import type { paths } from '../src/client/index.ts';
import type { Body } from './api-types.ts';
import type { SimClient } from './client.ts';
import { note, persist, type SimState, type SimStore, sleep } from './state.ts';

const STORE_POLL_S = 4;

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
}

/**
 * Store staff: accept what came in after a moment's look, pick and pack, mark ready. The counter
 * is a loop over what the API says is waiting, so an answer lost to a crashed API process is
 * simply tried again on the next look (with the same Idempotency-Key).
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
  };
  while (!s.stopping) {
    try {
      await look(c);
    } catch (err) {
      note(s, `store ${store.index} counter`, err);
    }
    await sleep(STORE_POLL_S * 1000);
  }
}

/** A key per attempt: its retries after a lost answer replay, a later attempt asks anew. */
const keyOf = (c: Counter, what: string, id: string) => `${what}-${id}-${++c.attempt}`;

/** Works on an order unless someone at the counter already is. */
function act(c: Counter, id: string, work: () => Promise<void>): void {
  if (c.busy.has(id)) return;
  c.busy.add(id);
  void work()
    .catch((err: unknown) => note(c.s, `store ${c.store.index} order ${id}`, err))
    .finally(() => c.busy.delete(id));
}

async function list(c: Counter, status: OrderStatus): Promise<OrderSummary[]> {
  const res = await c.api.GET('/v1/orders', { params: { query: { status, limit: 100 } } });
  return res.response.status === 200 ? (res.data?.items ?? []) : [];
}

/** One look at the orders waiting: new ones answered, accepted ones started, prepared ones readied. */
async function look(c: Counter): Promise<void> {
  const { s, store } = c;
  const now = Date.now();
  const rngOf = (id: string) => rngFor(`sim:${s.cfg.seed}:order:${id}`);
  for (const o of await list(c, 'authorized')) {
    const v = s.orders.get(o.id)?.visit;
    const seen = c.firstSeen.get(o.id) ?? now;
    c.firstSeen.set(o.id, seen);
    if (now < seen + (v?.storeAcceptAfterS ?? 5 + rngOf(o.id)() * 30) * 1000) continue;
    act(c, o.id, () => answer(c, o.id));
  }
  for (const o of await list(c, 'accepted')) {
    const key = keyOf(c, 'preparing', o.id);
    act(c, o.id, () => prepare(c, o.id, key));
  }
  for (const o of await list(c, 'preparing')) {
    const due = c.readyDue.get(o.id) ?? now + store.prepMeanS * 1000;
    c.readyDue.set(o.id, due);
    if (now < due) continue;
    act(c, o.id, () => markReady(c, o.id));
  }
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
