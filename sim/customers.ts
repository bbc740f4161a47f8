import type { Body } from './api-types.ts';
import { type PlannedVisit, metres } from './plan.ts';
import {
  bump,
  codeOf,
  NAIVE_SPEED_MPS,
  persist,
  type SimState,
  type SimStore,
  sleep,
  type TrackedOrder,
} from './state.ts';

type Placed = Body<'/v1/orders', 'post'>;

/** One customer's visit: look around, fill the cart, check out, maybe retry or cancel. */
export async function runVisit(s: SimState, v: PlannedVisit): Promise<void> {
  const token = s.customerTokens[v.customer % s.customerTokens.length] as string;
  const store = await pickStore(s, v, token);
  if (!store) return;
  if (!(await fillCart(s, v, token, store))) return;
  const key = `sim-${s.cfg.seed}-${s.startedAt}-${v.index}`;
  const placedAt = Date.now();
  const o = await checkOut(s, v, token, key);
  if (!o) return;
  const promise = o.promise ? (Date.parse(o.promise.from) + Date.parse(o.promise.to)) / 2 : null;
  const tracked: TrackedOrder = {
    id: o.id,
    visit: v,
    store,
    customerToken: token,
    placedAt,
    status: o.status ?? 'placed',
    promiseMidS: promise === null ? null : (promise - placedAt) / 1000,
    naiveS: store.prepMeanS + metres(store.at, v.home) / NAIVE_SPEED_MPS,
  };
  s.orders.set(tracked.id, tracked);
  bump(s.outcomes, o.status === 'authorized' ? 'authorized' : `placed_${o.status}`);
  if (v.cancelAfterS !== null && o.status !== 'declined' && o.status !== 'failed') {
    await sleep(v.cancelAfterS * 1000);
    const res = await persist(s, () =>
      s.api.as(token).POST('/v1/orders/{id}/cancel', {
        params: { path: { id: tracked.id }, header: { 'idempotency-key': `cancel-${key}` } },
        body: { reason: 'changed my mind' },
      }),
    );
    if (res?.response.status === 200) tracked.canceledBySim = true;
  }
}

/** The store the plan's customer picks among those delivering home, or none (counted). */
async function pickStore(s: SimState, v: PlannedVisit, token: string) {
  const near = await persist(s, () =>
    s.api.as(token).GET('/v1/stores/nearby', {
      params: { query: { lat: v.home.lat, lng: v.home.lng } },
    }),
  );
  const ok = near?.response.status === 200;
  const ids = ok ? (near?.data?.items ?? []).map((i) => i.id) : [];
  const storeId = ids[Math.min(v.storeRank, ids.length - 1)];
  const store = s.stores.find((x) => x.id === storeId);
  if (!store) bump(s.outcomes, ok ? 'no_store_nearby' : 'nearby_failed');
  return store;
}

/** Browses the store and puts the plan's items in an emptied cart; false (counted) if one fails. */
async function fillCart(
  s: SimState,
  v: PlannedVisit,
  token: string,
  store: SimStore,
): Promise<boolean> {
  const api = s.api.as(token);
  await persist(s, () =>
    api.GET('/v1/stores/{id}/products', {
      params: { path: { id: store.id }, query: { limit: 50 } },
    }),
  );
  await persist(s, () => api.DELETE('/v1/cart'));
  for (const item of v.items) {
    const res = await persist(s, () =>
      api.PUT('/v1/cart/lines', {
        params: { header: { 'idempotency-key': `cart-${s.cfg.seed}-${v.index}-${item.product}` } },
        body: {
          store_id: store.id,
          product_id: s.productIds[item.product] as string,
          quantity: item.quantity,
        },
      }),
    );
    if (res?.response.status !== 200) {
      bump(s.outcomes, 'cart_failed');
      return false;
    }
  }
  return true;
}

/**
 * Checks out, twice at once with the same key when the plan retries (a second order is counted
 * as a duplicate). Returns the order, or undefined with the outcome counted.
 */
async function checkOut(
  s: SimState,
  v: PlannedVisit,
  token: string,
  key: string,
): Promise<Placed | undefined> {
  const body = {
    delivery: { lat: v.home.lat, lng: v.home.lng, address: `Simulated street ${v.index}` },
    payment: { card_token: v.card },
  };
  const checkout = () =>
    persist(s, () =>
      s.api.as(token).POST('/v1/orders', { body, params: { header: { 'idempotency-key': key } } }),
    );
  const attempts = v.retry ? [checkout(), sleep(150).then(checkout)] : [checkout()];
  const answers = await Promise.all(attempts);
  const first = answers[0];
  const ids = new Set(
    answers.filter((a) => a && a.response.status < 300 && a.data?.id).map((a) => a?.data?.id),
  );
  if (ids.size > 1) s.duplicateOrders += ids.size - 1;
  if (!first || first.response.status >= 300 || !first.data?.id) {
    bump(
      s.outcomes,
      first
        ? `checkout_${first.response.status}_${codeOf(first) ?? ''}`.replace(/_$/, '')
        : 'checkout_no_answer',
    );
    return undefined;
  }
  return first.data;
}
