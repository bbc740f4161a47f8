import type { Body } from './api-types.ts';
import { SIM_NOTE } from './client.ts';
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

/** What the simulator keeps of a checkout's answer. */
type Placed = Pick<Body<'/v1/orders', 'post'>, 'id' | 'status' | 'promise'>;
/** The fields a 402 (card declined) adds to its problem: the order waiting for another card. */
type Declined = { order_id?: string; order_status?: Placed['status'] };

/** One customer's visit: look around, fill the cart, check out, maybe pay again, retry or cancel. */
export async function runVisit(s: SimState, v: PlannedVisit): Promise<void> {
  const token = s.customerTokens[v.customer % s.customerTokens.length] as string;
  const store = await pickStore(s, v, token);
  if (!store) return;
  if (!(await fillCart(s, v, token, store))) return;
  const key = `sim-${s.cfg.seed}-${s.startedAt}-${v.index}`;
  const placedAt = Date.now();
  const o = await checkOut(s, v, token, key);
  if (!o) return;
  const window = o.promise
    ? { from: Date.parse(o.promise.from), to: Date.parse(o.promise.to) }
    : null;
  // The ETA point the checkout promised; a deployment that sends none: the window's middle.
  const point = o.promise?.at;
  const promise = point ? Date.parse(point) : window ? (window.from + window.to) / 2 : null;
  const tracked: TrackedOrder = {
    id: o.id,
    visit: v,
    store,
    customerToken: token,
    placedAt,
    status: o.status ?? 'placed',
    promiseMidS: promise === null ? null : (promise - placedAt) / 1000,
    promise: window,
    promiseParts: o.promise?.parts ?? null,
    naiveS: store.prepMeanS + metres(store.at, v.home) / NAIVE_SPEED_MPS,
  };
  s.orders.set(tracked.id, tracked);
  bump(
    s.outcomes,
    o.status === 'authorized'
      ? 'authorized'
      : o.status === 'payment_failed'
        ? 'declined'
        : `placed_${o.status}`,
  );
  if (tracked.status === 'payment_failed') await payAgain(s, v, tracked, key);
  if (v.cancelAfterS !== null && tracked.status !== 'payment_failed' && o.status !== 'failed') {
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

/**
 * After a declined card, some customers pay with another one while the order still holds their
 * items; the others leave it, and it fails when the retry grace ends.
 */
async function payAgain(s: SimState, v: PlannedVisit, tracked: TrackedOrder, key: string) {
  if (v.payAgainAfterS === null) return;
  await sleep(v.payAgainAfterS * 1000);
  const res = await persist(s, () =>
    s.api.as(tracked.customerToken).POST('/v1/orders/{id}/payment', {
      params: { path: { id: tracked.id }, header: { 'idempotency-key': `pay-${key}` } },
      body: { card_token: 'tok_visa' },
    }),
  );
  const status = res?.response.status;
  if (res && status !== undefined && status < 300)
    tracked.status = res.data?.status ?? tracked.status;
  bump(
    s.outcomes,
    status === 200
      ? 'paid_after_decline'
      : `pay_again_${status ?? 'no_answer'}_${(res && codeOf(res)) ?? ''}`.replace(/_$/, ''),
  );
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
 * The test cards whose checkout waits on the payment provider by design: the slow card answers
 * after 3 s and checkout waits LASTMILE_PAYMENT_WAIT_MS (2 s) before answering 202; an unreachable
 * provider is tried until its timeout. Their latency is the provider's, reported on its own line.
 */
const PROVIDER_BOUND: Record<string, string> = {
  tok_slow: 'slow card',
  tok_netfail: 'provider unreachable',
};

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
    delivery: { lat: v.home.lat, lng: v.home.lng, address: v.address },
    payment: { card_token: v.card },
  };
  // A checkout the payment provider keeps waiting is timed apart from the rest (see SIM_NOTE).
  const headers = PROVIDER_BOUND[v.card] ? { [SIM_NOTE]: PROVIDER_BOUND[v.card] } : undefined;
  const checkout = () =>
    persist(s, () =>
      s.api.as(token).POST('/v1/orders', {
        body,
        params: { header: { 'idempotency-key': key } },
        headers,
      }),
    );
  const attempts = v.retry ? [checkout(), sleep(150).then(checkout)] : [checkout()];
  const answers = await Promise.all(attempts);
  const first = answers[0];
  // A declined card (402) is an answer like any other: the order exists, waiting for another card.
  const declined = (a: (typeof answers)[number] | undefined) =>
    a?.response.status === 402 ? (a.error as Declined | undefined) : undefined;
  const orderOf = (a: (typeof answers)[number]) =>
    a && a.response.status < 300 ? a.data?.id : declined(a)?.order_id;
  const ids = new Set(answers.map(orderOf).filter((id) => id !== undefined));
  if (ids.size > 1) s.duplicateOrders += ids.size - 1;
  const refused = declined(first);
  if (refused?.order_id)
    return {
      id: refused.order_id,
      status: refused.order_status ?? 'payment_failed',
      promise: null,
    };
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
