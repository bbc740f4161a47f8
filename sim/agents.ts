import { rngFor } from '../src/cli/seed-random.ts';
import { type Api, type ApiAnswer, NetworkError } from './client.ts';
import type { SimConfig } from './config.ts';
import { along, type LatLng, metres, type Plan, type PlannedDriver, type PlannedVisit, routeLength, routeOf, VEHICLE_SPEED_MPS } from './plan.ts';

/** How often a simulated phone sends its position, as a courier app does. */
export const LOCATION_EVERY_S = 5;
const STORE_POLL_S = 4;
const TERMINAL = new Set(['delivered', 'canceled', 'failed']);
/** Straight-line speed of the naive ETA ("distance at 5 m/s"), as a map app without learning would say. */
export const NAIVE_SPEED_MPS = 5;

export interface SimStore {
  index: number;
  id: string;
  token: string;
  at: LatLng;
  prepMeanS: number;
}

export interface TrackedOrder {
  id: string;
  visit: PlannedVisit;
  store: SimStore;
  customerToken: string;
  placedAt: number;
  status: string;
  promiseMidS: number | null;
  naiveS: number;
  acceptedAt?: number;
  readyAt?: number;
  pickedUpAt?: number;
  deliveredAt?: number;
  canceledBySim?: boolean;
}

export interface DriverLog {
  index: number;
  vehicle: string;
  busyS: number;
  shiftS: number;
  offers: number;
  accepted: number;
  declined: number;
  lostRaces: number;
  deliveries: number;
}

/** Everything the agents share; the report reads it at the end. */
export interface SimState {
  cfg: SimConfig;
  plan: Plan;
  api: Api;
  startedAt: number;
  opsToken: string;
  stores: SimStore[];
  productIds: string[];
  customerTokens: string[];
  orders: Map<string, TrackedOrder>;
  /** Visit outcomes: authorized, declined, out_of_stock, … */
  outcomes: Map<string, number>;
  /** Checkouts retried with the same Idempotency-Key that produced a second order (must be 0). */
  duplicateOrders: number;
  offersPerTrip: Map<string, number>;
  storeWaitsS: number[];
  drivers: DriverLog[];
  /** [seconds since start, busy drivers, open orders] every sample. */
  samples: Array<[number, number, number]>;
  busyNow: number;
  stopping: boolean;
  /** Errors the agents met that are not API answers (bugs in the simulation show up here). */
  agentErrors: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
export const sinceStart = (s: SimState): number => (Date.now() - s.startedAt) / 1000;
const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

function note(s: SimState, where: string, err: unknown): void {
  if (err instanceof NetworkError) return; // counted by the client; the agent tries again later
  if (s.agentErrors.length < 50) s.agentErrors.push(`${where}: ${String((err as Error)?.stack ?? err)}`);
}

/** Retries on no answer, 5xx, 409 IN_PROGRESS and 429/503 (honouring Retry-After), up to `tries`. */
async function persist<T>(s: SimState, send: () => Promise<ApiAnswer<T>>, tries = 8): Promise<ApiAnswer<T> | null> {
  for (let i = 0; i < tries; i++) {
    try {
      const res = await send();
      const busy = res.status === 429 || res.status === 503 || res.status >= 500 || (res.status === 409 && (res.body as { code?: string } | null)?.code === 'IDEMPOTENCY_IN_PROGRESS');
      if (!busy) return res;
      const after = Number(res.headers['retry-after'] ?? 1);
      await sleep(Math.min(10, Number.isFinite(after) ? after : 1) * 1000 * (0.5 + Math.random()));
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      await sleep(500 * (i + 1));
    }
    if (s.stopping && i > 1) return null;
  }
  return null;
}

// ---------------------------------------------------------------- customers

/** One customer's visit: look around, fill the cart, check out, maybe retry or cancel. */
export async function runVisit(s: SimState, v: PlannedVisit): Promise<void> {
  const token = s.customerTokens[v.customer % s.customerTokens.length] as string;
  const near = await persist(s, () => s.api.call<{ items: Array<{ id: string }> }>('GET', `/v1/stores/nearby?lat=${v.home.lat}&lng=${v.home.lng}`, { token }));
  const ids = near?.status === 200 ? near.body.items.map((i) => i.id) : [];
  const storeId = ids[Math.min(v.storeRank, ids.length - 1)];
  const store = s.stores.find((x) => x.id === storeId);
  if (!store) {
    bump(s.outcomes, near?.status === 200 ? 'no_store_nearby' : 'nearby_failed');
    return;
  }
  await persist(s, () => s.api.call('GET', `/v1/stores/${store.id}/products?limit=50`, { token }));
  await persist(s, () => s.api.call('DELETE', '/v1/cart', { token }));
  for (const item of v.items) {
    const res = await persist(s, () =>
      s.api.call('PUT', '/v1/cart/lines', { token, body: { store_id: store.id, product_id: s.productIds[item.product], quantity: item.quantity }, key: `cart-${s.cfg.seed}-${v.index}-${item.product}` }),
    );
    if (res?.status !== 200) {
      bump(s.outcomes, 'cart_failed');
      return;
    }
  }
  const body = { delivery: { lat: v.home.lat, lng: v.home.lng, address: `Simulated street ${v.index}` }, payment: { card_token: v.card } };
  const key = `sim-${s.cfg.seed}-${s.startedAt}-${v.index}`;
  const checkout = () => persist(s, () => s.api.call<{ id?: string; status?: string; code?: string; promise?: { from: string; to: string } | null }>('POST', '/v1/orders', { token, body, key }));
  const placedAt = Date.now();
  const attempts = v.retry ? [checkout(), sleep(150).then(checkout)] : [checkout()];
  const answers = await Promise.all(attempts);
  const first = answers[0];
  const ids2 = new Set(answers.filter((a) => a && a.status < 300 && a.body.id).map((a) => a?.body.id));
  if (ids2.size > 1) s.duplicateOrders += ids2.size - 1;
  if (!first || first.status >= 300 || !first.body.id) {
    bump(s.outcomes, first ? `checkout_${first.status}_${first.body.code ?? ''}`.replace(/_$/, '') : 'checkout_no_answer');
    return;
  }
  const o = first.body;
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
  bump(s.outcomes, o.status === 'authorized' ? 'authorized' : `placed_${o.status}`);
  if (v.cancelAfterS !== null && o.status !== 'declined' && o.status !== 'failed') {
    await sleep(v.cancelAfterS * 1000);
    const res = await persist(s, () => s.api.call('POST', `/v1/orders/${tracked.id}/cancel`, { token, body: { reason: 'changed my mind' }, key: `cancel-${key}` }));
    if (res?.status === 200) tracked.canceledBySim = true;
  }
}

// ---------------------------------------------------------------- stores

interface OrderSummary {
  id: string;
  status: string;
  lines?: Array<{ product_id: string; quantity: number }>;
}

/**
 * Store staff: accept what came in after a moment's look, pick and pack, mark ready. The counter
 * is a loop over what the API says is waiting, so an answer lost to a crashed API process is
 * simply tried again on the next look (with the same Idempotency-Key).
 */
export async function runStore(s: SimState, store: SimStore): Promise<void> {
  const firstSeen = new Map<string, number>();
  const readyDue = new Map<string, number>();
  const busy = new Set<string>();
  const token = store.token;
  const rngOf = (id: string) => rngFor(`sim:${s.cfg.seed}:order:${id}`);
  let attempt = 0;
  /** A key per attempt: its retries after a lost answer replay, a later attempt asks anew. */
  const keyOf = (what: string, id: string) => `${what}-${id}-${++attempt}`;
  const act = (id: string, work: () => Promise<void>) => {
    if (busy.has(id)) return;
    busy.add(id);
    void work()
      .catch((err: unknown) => note(s, `store ${store.index} order ${id}`, err))
      .finally(() => busy.delete(id));
  };
  const list = async (status: string) => {
    const res = await s.api.call<{ items: OrderSummary[] }>('GET', `/v1/orders?status=${status}&limit=100`, { token });
    return res.status === 200 ? res.body.items : [];
  };
  while (!s.stopping) {
    try {
      const now = Date.now();
      for (const o of await list('authorized')) {
        const v = s.orders.get(o.id)?.visit;
        const seen = firstSeen.get(o.id) ?? now;
        firstSeen.set(o.id, seen);
        if (now < seen + (v?.storeAcceptAfterS ?? 5 + rngOf(o.id)() * 30) * 1000) continue;
        act(o.id, async () => {
          if (v?.storeRejects) {
            const key = keyOf('reject', o.id);
            await persist(s, () => s.api.call('POST', `/v1/orders/${o.id}/reject`, { token, body: { reason: 'items damaged' }, key }));
            return;
          }
          const acceptKey = keyOf('accept', o.id);
          const accepted = await persist(s, () => s.api.call('POST', `/v1/orders/${o.id}/accept`, { token, key: acceptKey }));
          if (accepted?.status !== 200) return;
          const t = s.orders.get(o.id);
          if (t) t.acceptedAt = Date.now();
          readyDue.set(o.id, Date.now() + (v?.prepS ?? store.prepMeanS) * 1000);
          const preparingKey = keyOf('preparing', o.id);
          await persist(s, () => s.api.call('POST', `/v1/orders/${o.id}/preparing`, { token, key: preparingKey }));
        });
      }
      for (const o of await list('accepted')) {
        const key = keyOf('preparing', o.id);
        act(o.id, async () => void (await persist(s, () => s.api.call('POST', `/v1/orders/${o.id}/preparing`, { token, key }))));
      }
      for (const o of await list('preparing')) {
        const due = readyDue.get(o.id) ?? now + store.prepMeanS * 1000;
        readyDue.set(o.id, due);
        if (now < due) continue;
        act(o.id, async () => {
          const t = s.orders.get(o.id);
          let picked: Array<{ product_id: string; quantity: number }> = [];
          if (t?.visit.missingItem) {
            const detail = await persist(s, () => s.api.call<OrderSummary>('GET', `/v1/orders/${o.id}`, { token }));
            const line = detail?.body.lines?.[0];
            if (line) picked = [{ product_id: line.product_id, quantity: line.quantity - 1 }];
          }
          const readyKey = keyOf('ready', o.id);
          const ready = await persist(s, () => s.api.call('POST', `/v1/orders/${o.id}/ready`, { token, body: { picked }, key: readyKey }));
          if (ready?.status === 200 && t) t.readyAt = Date.now();
        });
      }
    } catch (err) {
      note(s, `store ${store.index} counter`, err);
    }
    await sleep(STORE_POLL_S * 1000);
  }
}

// ---------------------------------------------------------------- drivers

interface TripView {
  id: string;
  pickup: LatLng;
  deliveries: Array<{ id: string; order_id: string; status: string; dropoff: LatLng & { address: string } }>;
}

class Courier {
  at: LatLng;
  private route: LatLng[] | null = null;
  private travelled = 0;
  private pending: Array<{ lat: number; lng: number; recorded_at: string; accuracy_m: number; speed_mps: number }> = [];
  readonly log: DriverLog;
  private readonly rng;
  constructor(
    private readonly s: SimState,
    readonly plan: PlannedDriver,
    readonly token: string,
  ) {
    this.at = plan.start;
    this.rng = rngFor(`sim:${s.cfg.seed}:driver:${plan.index}`);
    this.log = { index: plan.index, vehicle: plan.vehicle, busyS: 0, shiftS: 0, offers: 0, accepted: 0, declined: 0, lostRaces: 0, deliveries: 0 };
  }

  private get speed(): number {
    return VEHICLE_SPEED_MPS[this.plan.vehicle] * (0.85 + this.rng() * 0.3);
  }

  private movedAt = Date.now();

  /** Moves along the current route for the time since the last move and queues the new fix. */
  private advance(): boolean {
    const now = Date.now();
    const dt = (now - this.movedAt) / 1000;
    this.movedAt = now;
    let done = true;
    let v = 0;
    if (this.route) {
      v = this.speed;
      this.travelled += v * dt;
      const p = along(this.route, this.travelled);
      this.at = p.at;
      done = p.done;
      if (done) this.route = null;
    }
    this.pending.push({ lat: this.at.lat, lng: this.at.lng, recorded_at: new Date().toISOString(), accuracy_m: 8, speed_mps: Number(v.toFixed(1)) });
    return done;
  }

  private async upload(): Promise<void> {
    const points = this.pending.splice(0, 100);
    if (points.length === 0) return;
    try {
      const res = await this.s.api.call('POST', '/v1/drivers/me/locations', { token: this.token, body: { points } });
      if (res.status === 503 || res.status === 429) this.pending.unshift(...points.slice(-20));
    } catch (err) {
      this.pending.unshift(...points.slice(-20));
      note(this.s, `driver ${this.plan.index} upload`, err);
    }
  }

  /** One tick of the phone: move, then report the position. */
  private async tick(): Promise<boolean> {
    const done = this.advance();
    await this.upload();
    return done;
  }

  /** Drives to `to`, reporting every few seconds, until there. */
  private async driveTo(to: LatLng): Promise<void> {
    this.route = routeOf(this.at, to);
    this.travelled = 0;
    this.movedAt = Date.now();
    const total = routeLength(this.route);
    if (total < 15) {
      this.route = null;
      return;
    }
    for (;;) {
      await sleep(LOCATION_EVERY_S * 1000);
      if (await this.tick()) return;
    }
  }

  private attempts = 0;

  /**
   * One attempt at a delivery step. The Idempotency-Key covers this attempt's retries after a
   * lost answer; a later attempt (the bag was not ready yet) is a new request with a new key,
   * since the first answer, a 409, is stored for its key.
   */
  private step(deliveryId: string, path: string, extra: Record<string, unknown> = {}) {
    const key = `${path}-${deliveryId}-${++this.attempts}`;
    return persist(this.s, () => this.s.api.call('POST', `/v1/deliveries/${deliveryId}/${path}`, { token: this.token, body: { lat: this.at.lat, lng: this.at.lng, ...extra }, key }));
  }

  private async currentTrip(): Promise<TripView | null> {
    const res = await persist(this.s, () => this.s.api.call<{ trip: TripView | null }>('GET', '/v1/dispatch/trips/current', { token: this.token }));
    return res?.status === 200 ? res.body.trip : null;
  }

  async run(): Promise<void> {
    const s = this.s;
    const shiftFrom = Date.now();
    await persist(s, () => s.api.call('PUT', '/v1/drivers/me/shift', { token: this.token, body: { status: 'available' } }));
    await this.tick();
    // A courier may already hold a job (a rerun against the same instance); afterwards only an
    // accepted offer gives one.
    let lookForTrip = true;
    while (!s.stopping) {
      try {
        if (lookForTrip) {
          lookForTrip = false;
          const trip = await this.currentTrip();
          if (trip) {
            await this.work(trip);
            lookForTrip = true;
            continue;
          }
        }
        const offers = await s.api.call<{ items: Array<{ id: string; trip_id: string }> }>('GET', '/v1/dispatch/offers', { token: this.token });
        const offer = offers.status === 200 ? offers.body.items[0] : undefined;
        if (offer) {
          this.log.offers++;
          bump(s.offersPerTrip, offer.trip_id);
          const [lo, hi] = this.plan.answerAfterS;
          await sleep((lo + this.rng() * (hi - lo)) * 1000);
          if (this.rng() < this.plan.declineShare) {
            this.log.declined++;
            await persist(s, () => s.api.call('POST', `/v1/dispatch/offers/${offer.id}/decline`, { token: this.token, body: { reason: 'too far' }, key: `decline-${offer.id}` }));
          } else {
            const res = await persist(s, () => s.api.call('POST', `/v1/dispatch/offers/${offer.id}/accept`, { token: this.token, key: `accept-${offer.id}` }));
            if (res?.status === 200) {
              this.log.accepted++;
              lookForTrip = true;
            } else this.log.lostRaces++;
          }
          continue;
        }
      } catch (err) {
        note(s, `driver ${this.plan.index}`, err);
      }
      await sleep(LOCATION_EVERY_S * 1000);
      await this.tick();
    }
    this.log.shiftS = (Date.now() - shiftFrom) / 1000;
    await persist(s, () => s.api.call('PUT', '/v1/drivers/me/shift', { token: this.token, body: { status: 'offline' } }), 2);
  }

  /** One trip: to the store, wait for the bags, each door in turn. */
  private async work(first: TripView): Promise<void> {
    const s = this.s;
    const from = Date.now();
    s.busyNow++;
    try {
      let trip: TripView | null = first;
      const open = (t: TripView) => t.deliveries.filter((d) => !['delivered', 'failed', 'returned', 'canceled'].includes(d.status));
      if (open(trip).some((d) => d.status === 'assigned')) {
        await this.driveTo(trip.pickup);
        for (const d of open(trip)) if (d.status === 'assigned') await this.step(d.id, 'arrived-at-store');
      }
      const arrived = Date.now();
      // Wait at the counter until every bag is ready (the store marks it), asking every few seconds.
      for (;;) {
        trip = await this.currentTrip();
        if (!trip) return;
        const waiting = open(trip).filter((d) => d.status === 'at_store');
        if (waiting.length === 0) break;
        for (const d of waiting) await this.step(d.id, 'picked-up');
        trip = await this.currentTrip();
        if (!trip || open(trip).every((d) => d.status !== 'at_store')) break;
        if (s.stopping) return;
        await sleep(LOCATION_EVERY_S * 1000);
        await this.tick();
      }
      s.storeWaitsS.push((Date.now() - arrived) / 1000);
      // Doors, nearest first.
      for (;;) {
        trip = await this.currentTrip();
        if (!trip) return;
        const here = this.at;
        const next = open(trip)
          .filter((d) => d.status === 'picked_up' || d.status === 'at_dropoff')
          .sort((a, b) => metres(here, a.dropoff) - metres(here, b.dropoff))[0];
        if (!next) return;
        if (next.status === 'picked_up') {
          await this.driveTo(next.dropoff);
          await this.step(next.id, 'arrived-at-dropoff');
        }
        const order = s.orders.get(next.order_id);
        await sleep((order?.visit.handoverS ?? 45) * 1000);
        const pin = await this.pinOf(next.order_id);
        const res = await this.step(next.id, 'delivered', pin ? { pin } : { photo_ref: `sim/photo/${next.id}.jpg` });
        if (res?.status === 200) {
          this.log.deliveries++;
          if (order) order.deliveredAt = Date.now();
        } else if (res && res.status >= 400) {
          note(s, `driver ${this.plan.index} delivered`, new Error(`${res.status} ${JSON.stringify(res.body)}`));
          return;
        }
      }
    } finally {
      s.busyNow--;
      this.log.busyS += (Date.now() - from) / 1000;
    }
  }

  /** The customer reads the PIN from their app and says it at the door. */
  private async pinOf(orderId: string): Promise<string | null> {
    const order = this.s.orders.get(orderId);
    if (!order) return null;
    const res = await persist(this.s, () => this.s.api.call<{ pin?: string }>('GET', `/v1/orders/${orderId}/delivery`, { token: order.customerToken }));
    return res?.body?.pin ?? null;
  }
}

export function startCourier(s: SimState, plan: PlannedDriver, token: string): { log: DriverLog; done: Promise<void> } {
  const c = new Courier(s, plan, token);
  return { log: c.log, done: c.run().catch((err: unknown) => note(s, `driver ${plan.index} crashed`, err)) };
}

export const isTerminal = (status: string): boolean => TERMINAL.has(status);
