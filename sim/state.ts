import type { ProblemCode, Schemas } from '../src/client/index.ts';
import { type Api, NetworkError } from './client.ts';
import type { SimConfig } from './config.ts';
import type { LatLng, Plan, PlannedVisit } from './plan.ts';
import type { StreetGraph } from './street-graph.ts';
import type { SimWeather } from './weather.ts';

// What the simulated people share: the run's state, and how they talk to the API.

/** How often a simulated phone sends its position, as a courier app does. */
export const LOCATION_EVERY_S = 5;
const TERMINAL = new Set(['delivered', 'canceled', 'failed']);
export const isTerminal = (status: string): boolean => TERMINAL.has(status);
/** Straight-line speed of the naive ETA ("distance at 5 m/s"), as a map app without learning would say. */
export const NAIVE_SPEED_MPS = 5;

export interface SimStore {
  index: number;
  id: string;
  token: string;
  at: LatLng;
  prepMeanS: number;
}

/** What a checkout's promised point added up, per part (seconds), as the API answers it. */
export type PromiseParts = Schemas['PromiseParts'];

export interface TrackedOrder {
  id: string;
  visit: PlannedVisit;
  store: SimStore;
  customerToken: string;
  placedAt: number;
  status: string;
  /** Seconds from placing to the ETA point promised (its window's middle when it sent none). */
  promiseMidS: number | null;
  /** The delivery window promised at checkout (ms), null when the checkout gave none (a 402). */
  promise: { from: number; to: number } | null;
  /** What the promise added up (seconds per part), null when the checkout sent none. */
  promiseParts: PromiseParts | null;
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
  trips: number;
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
  /** The streets couriers drive, as the API served them once; null when it has none there. */
  streets: StreetGraph | null;
  /** The evening's rain and traffic (weather.ts): they slow the couriers, the services report them. */
  weather: SimWeather;
  orders: Map<string, TrackedOrder>;
  /** Visit outcomes: authorized, declined, out_of_stock, … */
  outcomes: Map<string, number>;
  /** Checkouts retried with the same Idempotency-Key that produced a second order (must be 0). */
  duplicateOrders: number;
  offersPerTrip: Map<string, number>;
  storeWaitsS: number[];
  /** Each courier's time without a trip before each trip (since going on shift or the last trip). */
  idleGapsS: number[];
  drivers: DriverLog[];
  /** [seconds since start, busy drivers, open orders] every sample. */
  samples: Array<[number, number, number]>;
  busyNow: number;
  stopping: boolean;
  /** Errors the agents met that are not API answers (bugs in the simulation show up here). */
  agentErrors: string[];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
export const sinceStart = (s: SimState): number => (Date.now() - s.startedAt) / 1000;
export const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

export function note(s: SimState, where: string, err: unknown): void {
  if (err instanceof NetworkError) return; // counted by the client; the agent tries again later
  if (s.agentErrors.length < 50)
    s.agentErrors.push(`${where}: ${String((err as Error)?.stack ?? err)}`);
}

/** An answer of the typed client: the parsed body of a success or of a failure, and the response. */
export interface Answer {
  error?: unknown;
  response: Response;
}

/** The problem code of a failed answer, if it has one. */
export const codeOf = (a: Answer): ProblemCode | undefined =>
  (a.error as { code?: ProblemCode } | null | undefined)?.code ?? undefined;

/** Retries on no answer, 5xx, 409 IDEMPOTENCY_IN_FLIGHT and 429/503 (honouring Retry-After), up to `tries`. */
export async function persist<A extends Answer>(
  s: SimState,
  send: () => Promise<A>,
  tries = 8,
): Promise<A | null> {
  for (let i = 0; i < tries; i++) {
    try {
      const res = await send();
      const status = res.response.status;
      const busy =
        status === 429 ||
        status === 503 ||
        status >= 500 ||
        (status === 409 && codeOf(res) === 'IDEMPOTENCY_IN_FLIGHT');
      if (!busy) return res;
      const after = Number(res.response.headers.get('retry-after') ?? 1);
      await sleep(Math.min(10, Number.isFinite(after) ? after : 1) * 1000 * (0.5 + Math.random()));
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      await sleep(500 * (i + 1));
    }
    if (s.stopping && i > 1) return null;
  }
  return null;
}
