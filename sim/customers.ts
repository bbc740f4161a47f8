import { type PlannedVisit, metres } from './plan.ts';
import {
  bump,
  NAIVE_SPEED_MPS,
  persist,
  type SimState,
  type SimStore,
  sleep,
  type TrackedOrder,
} from './state.ts';

type CheckoutAnswer = {
  id?: string;
  status?: string;
  code?: string;
  promise?: { from: string; to: string } | null;
  /** A declined card (402): the order waits in `order_status` for another card. */
  order_id?: string;
  order_status?: string;
};

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
  const promise = o.promise ? (Date.parse(o.promise.from) + Date.parse(o.promise.to)) / 2 : null;
  const tracked: TrackedOrder = {
    id: o.id as string,
    visit: v,
    store,
    customerToken: token,
    placedAt,
    status: o.status ?? 'placed',
    promiseMidS: promise === null ? null : (promise - placedAt) / 1000,
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
      s.api.call('POST', `/v1/orders/${tracked.id}/cancel`, {
        token,
        body: { reason: 'changed my mind' },
        key: `cancel-${key}`,
      }),
    );
    if (res?.status === 200) tracked.canceledBySim = true;
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
    s.api.call<{ status?: string; code?: string }>('POST', `/v1/orders/${tracked.id}/payment`, {
      token: tracked.customerToken,
      body: { card_token: 'tok_visa' },
      key: `pay-${key}`,
    }),
  );
  if (res && res.status < 300) tracked.status = res.body.status ?? tracked.status;
  bump(
    s.outcomes,
    res?.status === 200
      ? 'paid_after_decline'
      : `pay_again_${res?.status ?? 'no_answer'}_${res?.body.code ?? ''}`.replace(/_$/, ''),
  );
}

/** The store the plan's customer picks among those delivering home, or none (counted). */
async function pickStore(s: SimState, v: PlannedVisit, token: string) {
  const near = await persist(s, () =>
    s.api.call<{ items: Array<{ id: string }> }>(
      'GET',
      `/v1/stores/nearby?lat=${v.home.lat}&lng=${v.home.lng}`,
      { token },
    ),
  );
  const ids = near?.status === 200 ? near.body.items.map((i) => i.id) : [];
  const storeId = ids[Math.min(v.storeRank, ids.length - 1)];
  const store = s.stores.find((x) => x.id === storeId);
  if (!store) bump(s.outcomes, near?.status === 200 ? 'no_store_nearby' : 'nearby_failed');
  return store;
}

/** Browses the store and puts the plan's items in an emptied cart; false (counted) if one fails. */
async function fillCart(
  s: SimState,
  v: PlannedVisit,
  token: string,
  store: SimStore,
): Promise<boolean> {
  await persist(s, () => s.api.call('GET', `/v1/stores/${store.id}/products?limit=50`, { token }));
  await persist(s, () => s.api.call('DELETE', '/v1/cart', { token }));
  for (const item of v.items) {
    const res = await persist(s, () =>
      s.api.call('PUT', '/v1/cart/lines', {
        token,
        body: {
          store_id: store.id,
          product_id: s.productIds[item.product],
          quantity: item.quantity,
        },
        key: `cart-${s.cfg.seed}-${v.index}-${item.product}`,
      }),
    );
    if (res?.status !== 200) {
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
): Promise<CheckoutAnswer | undefined> {
  const body = {
    delivery: { lat: v.home.lat, lng: v.home.lng, address: `Simulated street ${v.index}` },
    payment: { card_token: v.card },
  };
  const checkout = () =>
    persist(s, () => s.api.call<CheckoutAnswer>('POST', '/v1/orders', { token, body, key }));
  const attempts = v.retry ? [checkout(), sleep(150).then(checkout)] : [checkout()];
  const answers = await Promise.all(attempts);
  const first = answers[0];
  // A declined card (402) is an answer like any other: the order exists, waiting for another card.
  const orderOf = (a: (typeof answers)[number]) =>
    a && a.status < 300 ? a.body.id : a?.status === 402 ? a.body.order_id : undefined;
  const ids = new Set(answers.map(orderOf).filter((id) => id !== undefined));
  if (ids.size > 1) s.duplicateOrders += ids.size - 1;
  if (first?.status === 402 && first.body.order_id)
    return { id: first.body.order_id, status: first.body.order_status ?? 'payment_failed' };
  if (!first || first.status >= 300 || !first.body.id) {
    bump(
      s.outcomes,
      first
        ? `checkout_${first.status}_${first.body.code ?? ''}`.replace(/_$/, '')
        : 'checkout_no_answer',
    );
    return undefined;
  }
  return first.body;
}
