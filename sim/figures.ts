import type { SimConfig } from './config.ts';
import { metres } from './plan.ts';
import {
  courierFeelOf,
  type CourierFeel,
  etaErrorOf,
  fleetSpeedMps,
  honestNaiveS,
  mean,
  observedPrepS,
  type OnTime,
  onTimeOf,
  quantile,
  type RouteP99,
  routeP99Of,
  windowWidthOf,
} from './quality.ts';
import type { TrackedOrder } from './state.ts';
import { type WeatherFigures, weatherFigures } from './weather-figures.ts';
import type { WorldResult } from './world.ts';

/** The figures of one evening as report.json holds them; tools read these keys. */
export interface WorldFigures {
  label: string;
  orders: {
    visits: number;
    placed: number;
    delivered: number;
    canceled: number;
    failed: number;
    other: number;
  };
  outcomes: Record<string, number>;
  orders_per_min: {
    placed_rush: number | null;
    delivered_rush_and_after: number | null;
    peak_placed: number;
  };
  api: {
    requests: number;
    p50_ms: number | null;
    p99_ms: number | null;
    network_errors: number;
    /** The simulator's own event-loop delay, p99 and max (ms): it is inside every latency above. */
    sim_loop_delay_ms: { p99: number; max: number };
    by_route: Record<string, { n: number; p50_ms: number | null; p99_ms: number | null }>;
  };
  delivery_min: { p50: number | null; p90: number | null; p99: number | null; mean: number | null };
  eta_error_min: {
    ours_mae: number | null;
    /** The old naive ETA: the store's configured preparation, then straight there at 5 m/s. */
    naive_mae: number | null;
    /** The honest naive ETA: the store's mean preparation seen in the evening, then straight there at the fleet's mean speed. */
    honest_naive_mae: number | null;
    ours_p90: number | null;
    naive_p90: number | null;
    honest_naive_p90: number | null;
    fleet_speed_mps: number;
    orders: number;
  };
  /** What customers and couriers feel (with delivery_min and store_wait_min). */
  feel: {
    on_time: OnTime;
    window_min: { orders: number; p50: number | null; p90: number | null };
    couriers: CourierFeel;
    route_p99: RouteP99;
  };
  drivers: {
    count: number;
    utilisation: number | null;
    idle_min_mean: number | null;
    deliveries_per_driver: number | null;
  };
  offers_per_assignment: number | null;
  store_wait_min: { p50: number | null; p90: number | null };
  /** From the store marking the bag ready to a courier taking it: the bag waiting for a courier. */
  bag_wait_min: { p50: number | null; p90: number | null };
  /** From pickup to the door. */
  ride_min: { p50: number | null; p90: number | null };
  /** The world's rain and traffic, and the ETA's error and promises inside and outside the rain. */
  weather: WeatherFigures;
  errors_by_code: Record<string, number>;
  /** Socket messages the apps heard, by channel and type: what they did not have to poll for. */
  pushes: Record<string, number>;
  invariants: Array<{ name: string; ok: boolean; violations: number; detail: string }>;
  arrivals_s: number;
  drain_s: number;
  agent_errors: string[];
}

export { mean, quantile };
/** The p99 every route should keep to during the evening (a target of issue 24). */
export const ROUTE_P99_LIMIT_MS = 300;
const r1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

type Delivered = TrackedOrder & { deliveredAt: number };

/** The figures of one evening, from what the simulated people saw. */
export function figuresOf(w: WorldResult, cfg: SimConfig): WorldFigures {
  const s = w.state;
  const delivered = [...s.orders.values()].filter(
    (o): o is Delivered => o.status === 'delivered' && Boolean(o.deliveredAt),
  );
  const api = apiFigures(w);
  return {
    label: w.label,
    ...orderFigures(w, cfg, delivered),
    api,
    ...deliveryFigures(w, delivered),
    feel: feelFigures(w, delivered, api),
    ...driverFigures(w),
    store_wait_min: minutes(s.storeWaitsS),
    bag_wait_min: minutes(
      delivered
        .filter((o) => o.readyAt && o.pickedUpAt)
        .map((o) => Math.max(0, (o.pickedUpAt as number) - (o.readyAt as number)) / 1000),
    ),
    ride_min: minutes(
      delivered
        .filter((o) => o.pickedUpAt)
        .map((o) => (o.deliveredAt - (o.pickedUpAt as number)) / 1000),
    ),
    weather: weatherFigures(cfg, s.startedAt, delivered, honestNaiveOf(w)),
    errors_by_code: Object.fromEntries([...w.stats.codes].sort((a, b) => b[1] - a[1])),
    pushes: Object.fromEntries([...w.stats.pushes].sort((a, b) => b[1] - a[1])),
    invariants: w.invariants,
    arrivals_s: Math.round(w.arrivalsS),
    drain_s: Math.round(w.drainedS),
    agent_errors: s.agentErrors,
  };
}

/** How many orders ended how, and how fast they came and went in the rush. */
function orderFigures(
  w: WorldResult,
  cfg: SimConfig,
  delivered: Delivered[],
): Pick<WorldFigures, 'orders' | 'outcomes' | 'orders_per_min'> {
  const s = w.state;
  const orders = [...s.orders.values()];
  const status = (st: string) => orders.filter((o) => o.status === st).length;
  const rushFrom = cfg.normalMin * 60;
  const rushTo = rushFrom + cfg.rushMin * 60;
  const at = (o: { placedAt: number }) => (o.placedAt - s.startedAt) / 1000;
  const placedPerMin = new Map<number, number>();
  for (const x of orders.map(at)) {
    placedPerMin.set(Math.floor(x / 60), (placedPerMin.get(Math.floor(x / 60)) ?? 0) + 1);
  }
  return {
    orders: {
      visits: s.plan.visits.length,
      placed: orders.length,
      delivered: status('delivered'),
      canceled: status('canceled'),
      failed: status('failed'),
      other: orders.length - status('delivered') - status('canceled') - status('failed'),
    },
    outcomes: Object.fromEntries([...s.outcomes].sort((a, b) => b[1] - a[1])),
    orders_per_min: {
      placed_rush:
        cfg.rushMin > 0
          ? r1(orders.filter((o) => at(o) >= rushFrom && at(o) < rushTo).length / cfg.rushMin)
          : null,
      delivered_rush_and_after:
        cfg.rushMin > 0
          ? r1(delivered.filter((o) => at(o) >= rushFrom).length / (cfg.rushMin + cfg.afterMin))
          : null,
      peak_placed: Math.max(0, ...placedPerMin.values()),
    },
  };
}

function apiFigures(w: WorldResult): WorldFigures['api'] {
  const all = [...w.stats.latencies.values()].flat();
  const byRoute = Object.fromEntries(
    [...w.stats.latencies.entries()]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([k, v]) => [
        k,
        { n: v.length, p50_ms: r1(quantile(v, 0.5)), p99_ms: r1(quantile(v, 0.99)) },
      ]),
  );
  return {
    requests: all.length,
    p50_ms: r1(quantile(all, 0.5)),
    p99_ms: r1(quantile(all, 0.99)),
    network_errors: w.stats.networkErrors,
    sim_loop_delay_ms: {
      p99: r1(w.stats.loopDelay.percentile(99) / 1e6) ?? 0,
      max: r1(w.stats.loopDelay.max / 1e6) ?? 0,
    },
    by_route: byRoute,
  };
}

const fleetSpeedOf = (w: WorldResult) => fleetSpeedMps(w.state.plan.drivers.map((d) => d.vehicle));

/**
 * The honest naive ETA of each order, in seconds: its store's mean preparation seen in the evening
 * (the configured one if the evening readied nothing) plus the straight-line distance home at the
 * fleet's mean speed.
 */
export function honestNaiveOf(w: WorldResult): (o: TrackedOrder) => number {
  const prepOf = observedPrepS(
    [...w.state.orders.values()].map((o) => ({ ...o, store: o.store.id })),
  );
  const speed = fleetSpeedOf(w);
  return (o) =>
    honestNaiveS(prepOf(o.store.id) ?? o.store.prepMeanS, metres(o.store.at, o.visit.home), speed);
}

/** Delivery times, and how far the checkout promise and the naive estimates were from them. */
function deliveryFigures(
  w: WorldResult,
  delivered: Delivered[],
): Pick<WorldFigures, 'delivery_min' | 'eta_error_min'> {
  const tookS = (o: Delivered) => (o.deliveredAt - o.placedAt) / 1000;
  const deliveryMin = delivered.map((o) => (o.deliveredAt - o.placedAt) / 60_000);
  const withPromise = delivered.filter((o) => o.promiseMidS !== null);
  const honestOf = honestNaiveOf(w);
  const ours = etaErrorOf(withPromise.map((o) => [o.promiseMidS as number, tookS(o)]));
  const naive = etaErrorOf(withPromise.map((o) => [o.naiveS, tookS(o)]));
  const honest = etaErrorOf(withPromise.map((o) => [honestOf(o), tookS(o)]));
  return {
    delivery_min: {
      p50: r1(quantile(deliveryMin, 0.5)),
      p90: r1(quantile(deliveryMin, 0.9)),
      p99: r1(quantile(deliveryMin, 0.99)),
      mean: r1(mean(deliveryMin)),
    },
    eta_error_min: {
      ours_mae: ours.mae,
      naive_mae: naive.mae,
      honest_naive_mae: honest.mae,
      ours_p90: ours.p90,
      naive_p90: naive.p90,
      honest_naive_p90: honest.p90,
      fleet_speed_mps: r2(fleetSpeedOf(w)) as number,
      orders: withPromise.length,
    },
  };
}

/** On time against the promised window, the window's width, the couriers' evening, slow routes. */
function feelFigures(
  w: WorldResult,
  delivered: Delivered[],
  api: WorldFigures['api'],
): WorldFigures['feel'] {
  const windows = [...w.state.orders.values()].flatMap((o) => (o.promise ? [o.promise] : []));
  return {
    on_time: onTimeOf(
      delivered.flatMap((o) => (o.promise ? [{ ...o.promise, deliveredAt: o.deliveredAt }] : [])),
    ),
    window_min: windowWidthOf(windows),
    couriers: courierFeelOf(w.drivers, w.state.idleGapsS),
    route_p99: routeP99Of(api.by_route, ROUTE_P99_LIMIT_MS),
  };
}

function driverFigures(w: WorldResult): Pick<WorldFigures, 'drivers' | 'offers_per_assignment'> {
  const drivers = w.drivers.filter((d) => d.shiftS > 0);
  const offerCounts = [...w.state.offersPerTrip.values()];
  const accepted = drivers.reduce((n, d) => n + d.accepted, 0);
  return {
    drivers: {
      count: drivers.length,
      utilisation: r2(mean(drivers.map((d) => d.busyS / d.shiftS))),
      idle_min_mean: r1(mean(drivers.map((d) => (d.shiftS - d.busyS) / 60))),
      deliveries_per_driver: r2(mean(drivers.map((d) => d.deliveries))),
    },
    offers_per_assignment:
      accepted > 0 ? r2(offerCounts.reduce((a, b) => a + b, 0) / accepted) : null,
  };
}

/** p50 and p90 of durations in seconds, in minutes. */
function minutes(seconds: number[]): { p50: number | null; p90: number | null } {
  const q = (p: number) => {
    const v = quantile(seconds, p);
    return v === null ? null : r2(v / 60);
  };
  return { p50: q(0.5), p90: q(0.9) };
}
