import { describe, expect, it } from 'vitest';
import { ApiStats } from '../sim/client.ts';
import { DEFAULT_SIM } from '../sim/config.ts';
import { compareRuns } from '../sim/compare.ts';
import { figuresOf, type WorldFigures } from '../sim/figures.ts';
import { orderLog } from '../sim/order-log.ts';
import { metres, offsetPoint, type Plan, type PlannedVisit } from '../sim/plan.ts';
import {
  courierFeelOf,
  etaErrorOf,
  fleetSpeedMps,
  honestNaiveS,
  observedPrepS,
  onTimeOf,
  routeP99Of,
  windowWidthOf,
} from '../sim/quality.ts';
import { markdown } from '../sim/report-markdown.ts';
import type { DriverLog, SimState, SimStore, TrackedOrder } from '../sim/state.ts';
import { targetsOf } from '../sim/targets.ts';
import type { WorldResult } from '../sim/world.ts';

// What customers and couriers feel, on made-up evenings whose answers are known.

const MIN = 60_000;
/** Five orders promised 10–20 min after placing, delivered at these minutes. */
const DELIVERED_MIN = [15, 8, 23, 30, 19];
const window = { from: 10 * MIN, to: 20 * MIN };

describe('on time against the promised window', () => {
  it('counts inside, early, late and within the end + 5 min, and how late the late ones were', () => {
    const t = onTimeOf(DELIVERED_MIN.map((m) => ({ ...window, deliveredAt: m * MIN })));
    expect(t).toEqual({
      orders: 5,
      inside_window: 0.4, // 15 and 19
      within_end_plus_5: 0.6, // and 23
      early: 0.2, // 8
      late: 0.4, // 23 and 30
      late_p90_min: 10, // 3 and 10 min late
    });
  });

  it('has no shares without orders', () => {
    expect(onTimeOf([])).toMatchObject({ orders: 0, inside_window: null, late_p90_min: null });
  });

  it('measures the windows in minutes', () => {
    const widths = [6, 8, 10, 10, 20].map((m) => ({ from: MIN, to: MIN + m * MIN }));
    expect(windowWidthOf(widths)).toEqual({ orders: 5, p50: 10, p90: 20 });
  });
});

const day = (shiftS: number, busyS: number, trips: number, deliveries: number) => ({
  shiftS,
  busyS,
  trips,
  deliveries,
});

describe("the couriers' evening", () => {
  it('gives idle share, cost per delivery and deliveries per courier-hour over those on shift', () => {
    const feel = courierFeelOf(
      [day(3600, 1800, 3, 4), day(1800, 900, 1, 2), day(0, 0, 0, 0)],
      [60, 120, 300, 600],
    );
    expect(feel).toEqual({
      idle_share: 0.5,
      idle_gap_min: { p50: 2, p90: 10 },
      courier_min_per_delivery: 7.5, // 45 min on trips for 6 deliveries
      orders_per_courier_hour: 4, // 6 in 1.5 h of shift
      deliveries_per_trip: 1.5,
    });
  });

  it('has nothing to say about a fleet that never went on shift', () => {
    expect(courierFeelOf([day(0, 0, 0, 0)], [])).toEqual({
      idle_share: null,
      idle_gap_min: { p50: null, p90: null },
      courier_min_per_delivery: null,
      orders_per_courier_hour: null,
      deliveries_per_trip: null,
    });
  });
});

describe('the honest naive ETA', () => {
  it("uses each store's preparation seen in the evening, else the mean over all stores", () => {
    const prep = observedPrepS([
      { store: 'a', acceptedAt: 10_000, readyAt: 130_000 },
      { store: 'a', acceptedAt: 10_000, readyAt: 190_000 },
      { store: 'b', acceptedAt: 0, readyAt: 300_000 },
      { store: 'b', acceptedAt: 0 }, // not readied: not counted
    ]);
    expect([prep('a'), prep('b'), prep('c')]).toEqual([150, 300, 200]);
    expect(observedPrepS([{ store: 'a' }])('a')).toBeNull();
  });

  it("drives straight there at the fleet's mean speed", () => {
    expect(fleetSpeedMps(['bike', 'car'])).toBeCloseTo(5.85);
    expect(honestNaiveS(150, 1170, 5.85)).toBeCloseTo(350);
  });

  it('errs by the mean and p90 of the absolute differences, in minutes', () => {
    expect(
      etaErrorOf([
        [600, 660],
        [600, 480],
      ]),
    ).toEqual({ mae: 1.5, p90: 2 });
  });
});

it('finds the routes slower than the limit at p99, slowest first', () => {
  const r = routeP99Of(
    {
      'GET /a': { p99_ms: 120 },
      'POST /b': { p99_ms: 450 },
      'GET /c': { p99_ms: null },
      'GET /d': { p99_ms: 310 },
      'POST /b (slow card)': { p99_ms: 2010 },
    },
    300,
  );
  expect(r.worst).toEqual({ route: 'POST /b', p99_ms: 450 });
  expect(r.over.map((x) => x.route)).toEqual(['POST /b', 'GET /d']);
  // A request waiting on the payment provider by design is listed apart, not judged.
  expect(r.provider_bound).toEqual([{ route: 'POST /b (slow card)', p99_ms: 2010 }]);
});

/** A made-up evening: one store, the five orders above, two couriers. */
function world(label: string): WorldResult {
  const start = 1_000_000;
  const store: SimStore = {
    index: 0,
    id: 's1',
    token: '',
    at: { lat: 53.55, lng: 10 },
    prepMeanS: 90,
  };
  const home = offsetPoint(store.at, 1200, 0);
  const orders = DELIVERED_MIN.map((m, i): TrackedOrder => ({
    id: `o${i}`,
    visit: { home } as PlannedVisit,
    store,
    customerToken: '',
    placedAt: start,
    status: 'delivered',
    promiseMidS: 15 * 60,
    promise: { from: start + window.from, to: start + window.to },
    promiseParts: null,
    naiveS: 90 + metres(store.at, home) / 5,
    acceptedAt: start + 10_000,
    readyAt: start + 10_000 + (i % 2 ? 180_000 : 120_000),
    pickedUpAt: start + 5 * MIN,
    deliveredAt: start + m * MIN,
  }));
  const drivers = [
    { shiftS: 3600, busyS: 1800, trips: 3, deliveries: 3 },
    { shiftS: 1800, busyS: 900, trips: 1, deliveries: 2 },
  ].map((d, index): DriverLog => ({
    ...d,
    index,
    vehicle: 'bike',
    offers: 0,
    accepted: 0,
    declined: 0,
    lostRaces: 0,
  }));
  const state = {
    cfg: DEFAULT_SIM,
    plan: { visits: [], drivers: [{ vehicle: 'bike' }, { vehicle: 'car' }] } as unknown as Plan,
    startedAt: start,
    orders: new Map(orders.map((o) => [o.id, o])),
    outcomes: new Map([['authorized', 5]]),
    offersPerTrip: new Map(),
    storeWaitsS: [0, 60],
    idleGapsS: [60, 120, 300, 600],
    agentErrors: [],
  } as unknown as SimState;
  const stats = new ApiStats();
  stats.record('GET /v1/dispatch/offers', 20, 200, undefined, 1);
  stats.record('POST /v1/orders', 420, 201, undefined, 2);
  return {
    label,
    state,
    stats,
    finalStatus: new Map(),
    invariants: [],
    drainedS: 0,
    arrivalsS: 0,
    drivers,
  };
}

describe('the report of a made-up evening', () => {
  const ours = figuresOf(world('lastmile'), DEFAULT_SIM);

  it('puts what customers and couriers feel under the world', () => {
    expect(ours.feel.on_time).toMatchObject({ orders: 5, inside_window: 0.4, late_p90_min: 10 });
    expect(ours.feel.window_min).toEqual({ orders: 5, p50: 10, p90: 10 });
    expect(ours.feel.couriers).toMatchObject({ idle_share: 0.5, courier_min_per_delivery: 9 });
    expect(ours.feel.route_p99.over).toEqual([{ route: 'POST /v1/orders', p99_ms: 420 }]);
  });

  it('sets the honest naive ETA beside the old one', () => {
    const speed = (4.2 + 7.5) / 2;
    const honest =
      144 + metres({ lat: 53.55, lng: 10 }, offsetPoint({ lat: 53.55, lng: 10 }, 1200, 0)) / speed;
    const mae = DELIVERED_MIN.reduce((n, m) => n + Math.abs(honest - m * 60), 0) / 5 / 60;
    expect(ours.eta_error_min.honest_naive_mae).toBeCloseTo(mae, 2);
    expect(ours.eta_error_min.fleet_speed_mps).toBeCloseTo(speed, 2);
    expect(ours.eta_error_min.naive_mae).not.toBe(ours.eta_error_min.honest_naive_mae);
  });

  it('judges the targets, against greedy where they compare', () => {
    const greedy: WorldFigures = structuredClone(ours);
    greedy.label = 'greedy baseline';
    greedy.delivery_min = { ...greedy.delivery_min, p50: 20, p90: 40 };
    greedy.feel.couriers.courier_min_per_delivery = 12;
    const targets = targetsOf(ours, greedy);
    expect(targets.map((t) => t.met)).toEqual([false, expect.any(Boolean), true, false]);
    expect(targetsOf(ours, undefined)[2]?.met).toBeNull();
    greedy.feel.couriers.courier_min_per_delivery = 8;
    expect(targetsOf(ours, greedy)[2]?.met).toBe(false);
  });

  it('writes both tables into report.md', () => {
    const md = markdown(DEFAULT_SIM, [ours], true, { run: 'made-up' }, targetsOf(ours, undefined));
    expect(md).toContain('## What customers and couriers feel');
    expect(md).toContain('| delivered inside the promised window | 40 % of 5 |');
    expect(md).toContain('| how late, p90 of the late ones | 10 min |');
    expect(md).toContain('## Weather and traffic');
    expect(md).toContain('| ETA error at checkout (mean abs), ours |');
    expect(md).toContain('## Targets');
    expect(md).toContain('| no greedy baseline in this run | not judged |');
    expect(md).toContain('| POST /v1/orders | 1 | 420 ms | 420 ms |');
  });

  it('names the evening it played and holds the comparison with an earlier run', () => {
    const sha = 'c'.repeat(64);
    const evening = { file: 'sim/results/made-up/evening.json', sha256: sha, replay_of: null };
    const slower: WorldFigures = structuredClone(ours);
    const p50 = ours.delivery_min.p50 as number;
    slower.delivery_min = { ...slower.delivery_min, p50: p50 + 2 };
    const compare = compareRuns(
      { run: 'earlier', evening_sha256: sha, worlds: [slower] },
      { run: 'made-up', evening_sha256: sha, worlds: [ours] },
    );
    const targets = targetsOf(ours, undefined);
    const md = markdown(DEFAULT_SIM, [ours], true, { run: 'made-up', evening }, targets, compare);
    expect(md).toContain(
      `recorded in \`sim/results/made-up/evening.json\` (demand cccccccccccc): \`npm run sim -- --replay sim/results/made-up\` plays it again.`,
    );
    expect(md).toContain('## Compared with earlier');
    expect(md).toContain(`| delivery time p50 | ${p50 + 2} min |`);
    expect(md).toContain('−2 min (better) |');
    const replayed = { ...evening, replay_of: 'sim/results/first/evening.json' };
    expect(
      markdown(DEFAULT_SIM, [ours], true, { run: 'again', evening: replayed }, targets),
    ).toContain('replayed from `sim/results/first/evening.json` and recorded again in');
  });
});

describe("the evening's order log", () => {
  it("writes each part of the checkout's promise beside the steps as they happened", () => {
    const { state } = world('lastmile');
    const parts = {
      accept_s: 40,
      prep_s: 180,
      pickup_lag_s: 30,
      ride_s: 420,
      handover_s: 60,
      error_s: -25,
    };
    const first = state.orders.get('o0') as TrackedOrder;
    first.promiseParts = parts;
    const [head, ...rows] = orderLog(state).trim().split('\n');
    const columns = (head ?? '').split(',');
    const cell = (id: string, name: string) =>
      (rows.find((r) => r.split(',')[1] === id) ?? '').split(',')[columns.indexOf(name)];
    expect(columns).toEqual(expect.arrayContaining(Object.keys(parts).map((k) => `promise_${k}`)));
    expect(rows).toHaveLength(DELIVERED_MIN.length);
    for (const [k, v] of Object.entries(parts)) expect(cell('o0', `promise_${k}`)).toBe(String(v));
    expect(cell('o0', 'delivered_s')).toBe('900.0');
    // An order whose checkout sent no parts (an older deployment) leaves them empty.
    expect(cell('o1', 'promise_prep_s')).toBe('');
  });
});
