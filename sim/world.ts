import { Api, ApiStats } from './client.ts';
import { startCourier } from './couriers.ts';
import { runVisit } from './customers.ts';
import type { SimConfig } from './config.ts';
import {
  checkInvariants,
  type InvariantResult,
  openOrders,
  settledInvariants,
} from './invariants.ts';
import type { Plan } from './plan.ts';
import { buildCity, type City, inPool, signIn } from './setup.ts';
import {
  type DriverLog,
  isTerminal,
  type SimState,
  sinceStart,
  sleep,
  type TrackedOrder,
} from './state.ts';
import { runStore } from './stores.ts';
import type { StreetGraph } from './street-graph.ts';
import { fetchStreetGraph } from './streets.ts';
import { weatherOf } from './weather.ts';
import { runConditionsFeed } from './weather-feed.ts';
import { ORDER_STATUSES, TERMINAL } from '../src/modules/orders/order-state.ts';

export interface WorldOptions {
  label: string;
  bases: string[];
  /** The instance's database, for the end-of-run invariants (null: only the API's reconciliation). */
  databaseUrl: string | null;
  ops: { email: string; password: string };
  cfg: SimConfig;
  plan: Plan;
  tag: string;
  acceptTimeoutS?: number;
  /** The instance's LASTMILE_PAYMENT_RETRY_GRACE_S, when it is not the default. */
  paymentRetryGraceS?: number;
  log: (msg: string) => void;
  /** Called once the evening has started (after the city is built), e.g. to inject faults. */
  during?: (state: SimState) => Promise<void>;
}

export interface WorldResult {
  label: string;
  state: SimState;
  stats: ApiStats;
  /** Final status of every order the simulation placed. */
  finalStatus: Map<string, string>;
  invariants: InvariantResult[];
  drainedS: number;
  arrivalsS: number;
  drivers: DriverLog[];
}

/** The statuses of an order that has not ended. */
const OPEN = ORDER_STATUSES.filter((s) => !TERMINAL.has(s));

/**
 * One simulated evening against one lastmile: build the city, put the couriers on shift and the
 * store staff at their counters, let the customers arrive on the plan's schedule, wait for every
 * order to end, then check the invariants.
 */
export async function runWorld(o: WorldOptions): Promise<WorldResult> {
  const setupApi = new Api(o.bases, new ApiStats(), Date.now());
  const opsToken = await signIn(setupApi, o.ops.email, o.ops.password);
  o.log(`[${o.label}] building the city`);
  const city = await buildCity(setupApi, o.plan, opsToken, o.tag, (m) =>
    o.log(`[${o.label}] ${m}`),
  );
  const streets = await fetchStreetGraph(setupApi, o.cfg);
  o.log(
    streets
      ? `[${o.label}] ${streets.nodes.length} street crossings to drive along`
      : `[${o.label}] no streets in the area: couriers drive L-shaped routes (load them with lastmile places import --city hamburg <run dir>/streets.geojson)`,
  );
  await setupApi.close();

  const stats = new ApiStats();
  const startedAt = Date.now();
  const api = new Api(o.bases, stats, startedAt);
  const state = newState(o, city, api, opsToken, startedAt, streets);
  stats.loopDelay.enable();
  const { arrivalsS, drainedS } = await runEvening(o, state, city.driverTokens).finally(() =>
    stats.loopDelay.disable(),
  );
  await api.close();

  o.log(`[${o.label}] checking the invariants`);
  const { finalStatus, invariants } = await audit(o, state);
  return {
    label: o.label,
    state,
    stats,
    finalStatus,
    invariants,
    drainedS,
    arrivalsS,
    drivers: state.drivers,
  };
}

function newState(
  o: WorldOptions,
  city: City,
  api: Api,
  opsToken: string,
  startedAt: number,
  streets: StreetGraph | null,
): SimState {
  return {
    cfg: o.cfg,
    plan: o.plan,
    api,
    startedAt,
    opsToken,
    stores: city.stores,
    productIds: city.productIds,
    customerTokens: city.customerTokens,
    streets,
    weather: weatherOf(o.cfg),
    orders: new Map<string, TrackedOrder>(),
    outcomes: new Map(),
    duplicateOrders: 0,
    offersPerTrip: new Map(),
    storeWaitsS: [],
    idleGapsS: [],
    drivers: [],
    samples: [],
    busyNow: 0,
    stopping: false,
    agentErrors: [],
  };
}

/**
 * The evening itself: stores and couriers at work, customers arriving on schedule, then the
 * drain until every order has ended. Returns when everyone has gone home.
 */
async function runEvening(
  o: WorldOptions,
  state: SimState,
  driverTokens: string[],
): Promise<{ arrivalsS: number; drainedS: number }> {
  const storeLoops = state.stores.map((st) => runStore(state, st));
  const feed = runConditionsFeed(state);
  const couriers = o.plan.drivers.map((d, i) => startCourier(state, d, driverTokens[i] as string));
  state.drivers = couriers.map((c) => c.log);
  const sampler = setInterval(() => {
    const open = [...state.orders.values()].filter(
      (x) => x.deliveredAt === undefined && !x.canceledBySim,
    ).length;
    state.samples.push([sinceStart(state), state.busyNow, open]);
  }, 15_000);
  const faults = o.during?.(state);

  o.log(
    `[${o.label}] the evening starts: ${o.plan.visits.length} visits over ${(o.plan.durationS / 60).toFixed(1)} min, ${o.plan.drivers.length} couriers`,
  );
  const visits = o.plan.visits.map((v) =>
    sleep(v.atS * 1000).then(() =>
      runVisit(state, v).catch((err: unknown) =>
        state.agentErrors.push(`visit ${v.index}: ${String(err)}`),
      ),
    ),
  );
  const progress = setInterval(() => {
    const delivered = [...state.orders.values()].filter((x) => x.deliveredAt).length;
    o.log(
      `[${o.label}] t=${Math.round(sinceStart(state))}s placed=${state.orders.size} delivered=${delivered} busy couriers=${state.busyNow}`,
    );
  }, 60_000);
  await Promise.all(visits);
  const arrivalsS = sinceStart(state);
  o.log(
    `[${o.label}] every customer has come; waiting for open orders to end (at most ${o.cfg.drainMin} min)`,
  );
  await drain(o, state);
  const drainedS = sinceStart(state) - arrivalsS;
  clearInterval(progress);
  clearInterval(sampler);
  state.stopping = true;
  o.log(
    `[${o.label}] the evening is over after ${Math.round(drainedS)} s of drain; couriers go off shift`,
  );
  await faults;
  await Promise.all([...storeLoops, ...couriers.map((c) => c.done), feed]);
  return { arrivalsS, drainedS };
}

/** Waits until every order has ended (delivered, canceled or failed) or the drain time runs out. */
async function drain(o: WorldOptions, state: SimState): Promise<void> {
  const drainUntil = Date.now() + o.cfg.drainMin * 60_000;
  for (;;) {
    const open = o.databaseUrl
      ? await openOrders(o.databaseUrl).catch(() => -1)
      : await openByApi(state.api, state.opsToken);
    if (open === 0 || Date.now() > drainUntil) break;
    await sleep(5_000);
  }
}

/** After the evening: every order's final status, and the invariants. */
async function audit(
  o: WorldOptions,
  state: SimState,
): Promise<{ finalStatus: Map<string, string>; invariants: InvariantResult[] }> {
  // The audit is not part of the measured traffic.
  const audit = new Api(o.bases, new ApiStats(), state.startedAt);
  const opsToken = state.opsToken;
  const finalStatus = await finalStatuses(audit, opsToken, [...state.orders.keys()]);
  for (const [id, status] of finalStatus) {
    const t = state.orders.get(id);
    if (t) t.status = status;
  }
  const invariants: InvariantResult[] = o.databaseUrl
    ? await settledInvariants(() =>
        checkInvariants(o.databaseUrl as string, {
          acceptTimeoutS: o.acceptTimeoutS,
          paymentRetryGraceS: o.paymentRetryGraceS,
        }),
      )
    : [];
  const rec = await audit.as(opsToken).GET('/v1/ops/payments/reconciliation');
  const reconciled = rec.response.status === 200 ? rec.data : undefined;
  invariants.push({
    name: 'reconciliation_endpoint',
    ok: reconciled?.ok === true,
    violations: reconciled ? reconciled.mismatches.length : -1,
    detail:
      'GET /v1/ops/payments/reconciliation finds no mismatch between the ledger, the rules and the payment provider',
  });
  const notEnded = [...finalStatus.values()].filter((st) => !isTerminal(st)).length;
  invariants.push({
    name: 'every_order_ended',
    ok: notEnded === 0,
    violations: notEnded,
    detail: 'every order placed (a 2xx answer or a 402) is delivered, canceled or failed',
  });
  invariants.push({
    name: 'no_duplicate_order',
    ok: state.duplicateOrders === 0,
    violations: state.duplicateOrders,
    detail: 'a checkout retried with the same Idempotency-Key made one order',
  });
  await audit.close();
  return { finalStatus, invariants };
}

async function openByApi(api: Api, token: string): Promise<number> {
  let n = 0;
  for (const status of OPEN) {
    const res = await api
      .as(token)
      .GET('/v1/orders', { params: { query: { status, limit: 100 } } })
      .catch(() => null);
    if (!res || res.response.status !== 200) return -1;
    n += res.data?.items.length ?? 0;
  }
  return n;
}

async function finalStatuses(api: Api, token: string, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await inPool(ids, 8, async (id) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await api
        .as(token)
        .GET('/v1/orders/{id}', { params: { path: { id } } })
        .catch(() => null);
      if (res?.response.status === 200 && res.data) {
        out.set(id, res.data.status);
        return;
      }
      await sleep(500);
    }
    out.set(id, 'unknown');
  });
  return out;
}
