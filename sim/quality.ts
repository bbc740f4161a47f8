import { VEHICLE_SPEED_MPS } from './plan.ts';

// What customers and couriers feel, from what the simulated people noted: pure functions over
// plain numbers, so the figures can be checked on made-up evenings with known answers.

export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}
export const mean = (v: readonly number[]) =>
  v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);
const r3 = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);
const share = (part: number, whole: number) => (whole > 0 ? r3(part / whole) : null);

/** The grace after the window's end that the second on-time share allows. */
export const GRACE_MIN = 5;

/** A delivered order with the window promised at checkout, times in ms. */
export interface PromisedOrder {
  from: number;
  to: number;
  deliveredAt: number;
}

export interface OnTime {
  orders: number;
  /** Handed over inside the promised window (not before its start, not after its end). */
  inside_window: number | null;
  /** Inside the window stretched to its end + 5 min. */
  within_end_plus_5: number | null;
  early: number | null;
  late: number | null;
  /** How late the late ones were (after the window's end), p90, minutes. */
  late_p90_min: number | null;
}

/** On-time shares of delivered orders against the window promised at checkout. */
export function onTimeOf(orders: readonly PromisedOrder[]): OnTime {
  const n = orders.length;
  const early = orders.filter((o) => o.deliveredAt < o.from).length;
  const lateBy = orders.filter((o) => o.deliveredAt > o.to).map((o) => o.deliveredAt - o.to);
  const graced = lateBy.filter((ms) => ms <= GRACE_MIN * 60_000).length;
  return {
    orders: n,
    inside_window: share(n - early - lateBy.length, n),
    within_end_plus_5: share(n - early - lateBy.length + graced, n),
    early: share(early, n),
    late: share(lateBy.length, n),
    late_p90_min: r2(lateBy.length ? (quantile(lateBy, 0.9) as number) / 60_000 : null),
  };
}

/** The promised windows' widths, minutes. */
export function windowWidthOf(windows: ReadonlyArray<{ from: number; to: number }>): {
  orders: number;
  p50: number | null;
  p90: number | null;
} {
  const widths = windows.map((w) => (w.to - w.from) / 60_000);
  return { orders: widths.length, p50: r2(quantile(widths, 0.5)), p90: r2(quantile(widths, 0.9)) };
}

/** One courier's evening: time on shift and on trips (seconds), trips and deliveries made. */
export interface CourierDay {
  shiftS: number;
  busyS: number;
  trips: number;
  deliveries: number;
}

export interface CourierFeel {
  /** Share of the fleet's shift time spent without a trip. */
  idle_share: number | null;
  /** Time without a trip before each trip, minutes. */
  idle_gap_min: { p50: number | null; p90: number | null };
  /** Courier time on trips per delivery, minutes: what a delivery costs in couriers' work. */
  courier_min_per_delivery: number | null;
  /** Deliveries per hour of courier shift. */
  orders_per_courier_hour: number | null;
  deliveries_per_trip: number | null;
}

/** How the couriers' evening went, over those who were on shift. */
export function courierFeelOf(days: readonly CourierDay[], idleGapsS: number[]): CourierFeel {
  const on = days.filter((d) => d.shiftS > 0);
  const sum = (f: (d: CourierDay) => number) => on.reduce((n, d) => n + f(d), 0);
  const shiftS = sum((d) => d.shiftS);
  const busyS = sum((d) => Math.min(d.busyS, d.shiftS));
  const deliveries = sum((d) => d.deliveries);
  const trips = sum((d) => d.trips);
  const gapMin = (q: number) => {
    const v = quantile(idleGapsS, q);
    return v === null ? null : r2(v / 60);
  };
  return {
    idle_share: shiftS > 0 ? r3((shiftS - busyS) / shiftS) : null,
    idle_gap_min: { p50: gapMin(0.5), p90: gapMin(0.9) },
    courier_min_per_delivery: deliveries > 0 ? r2(busyS / 60 / deliveries) : null,
    orders_per_courier_hour: shiftS > 0 ? r2(deliveries / (shiftS / 3600)) : null,
    deliveries_per_trip: trips > 0 ? r2(deliveries / trips) : null,
  };
}

/** The fleet's mean speed: the vehicles' speeds averaged over the couriers, m/s. */
export function fleetSpeedMps(vehicles: ReadonlyArray<keyof typeof VEHICLE_SPEED_MPS>): number {
  return mean(vehicles.map((v) => VEHICLE_SPEED_MPS[v])) ?? VEHICLE_SPEED_MPS.bike;
}

/** A store's order as the store's counter saw it (ms). */
export interface StoreTimes {
  store: string;
  acceptedAt?: number;
  readyAt?: number;
}

/**
 * Each store's mean preparation time seen over the evening (accepted → marked ready), in seconds;
 * a store that readied nothing gets the mean over all the stores' orders, and none is missing
 * only when nothing at all was readied.
 */
export function observedPrepS(orders: readonly StoreTimes[]): (store: string) => number | null {
  const by = new Map<string, number[]>();
  for (const o of orders) {
    if (o.acceptedAt === undefined || o.readyAt === undefined) continue;
    const l = by.get(o.store) ?? [];
    l.push((o.readyAt - o.acceptedAt) / 1000);
    by.set(o.store, l);
  }
  const all = mean([...by.values()].flat());
  const means = new Map([...by].map(([k, v]) => [k, mean(v) as number]));
  return (store) => means.get(store) ?? all;
}

/** The honest naive ETA: the store's mean preparation, then straight there at the fleet's speed. */
export const honestNaiveS = (prepS: number, distanceM: number, speedMps: number): number =>
  prepS + distanceM / speedMps;

/** Mean and p90 of absolute errors, minutes, from estimated and actual seconds. */
export function etaErrorOf(pairs: ReadonlyArray<readonly [number, number]>): {
  mae: number | null;
  p90: number | null;
} {
  const err = pairs.map(([estimate, actual]) => Math.abs(estimate - actual) / 60);
  return { mae: r2(mean(err)), p90: r2(quantile(err, 0.9)) };
}

export interface RouteP99 {
  limit_ms: number;
  /** The slowest route by p99, and the routes over the limit, slowest first. */
  worst: { route: string; p99_ms: number } | null;
  over: Array<{ route: string; p99_ms: number }>;
  /** Requests timed apart because they wait on the payment provider by design (`… (slow card)`). */
  provider_bound: Array<{ route: string; p99_ms: number }>;
}

/** A route group with a note, `POST /v1/orders (slow card)`: waiting on someone else by design. */
const isNoted = (route: string) => route.endsWith(')');

/** Which routes answered slower than the limit at p99 (the provider-bound requests apart). */
export function routeP99Of(
  byRoute: Record<string, { p99_ms: number | null }>,
  limitMs: number,
): RouteP99 {
  const all = Object.entries(byRoute)
    .filter((e): e is [string, { p99_ms: number }] => e[1].p99_ms !== null)
    .map(([route, r]) => ({ route, p99_ms: r.p99_ms }))
    .sort((a, b) => b.p99_ms - a.p99_ms);
  const routes = all.filter((r) => !isNoted(r.route));
  return {
    limit_ms: limitMs,
    worst: routes[0] ?? null,
    over: routes.filter((r) => r.p99_ms > limitMs),
    provider_bound: all.filter((r) => isNoted(r.route)),
  };
}
