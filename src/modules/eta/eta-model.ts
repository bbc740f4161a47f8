import { latLngToCell } from 'h3-js';
import { atLevel, backlogKey, backlogLevel } from './backlog-trend.ts';
import { type Learned, over, priorOf, TRUSTED_SAMPLES } from './eta-learning.ts';
import {
  DETOUR,
  distanceM,
  HANDOVER_S,
  type LatLng,
  PICKUP_S,
  PLANNING_SPEED_MPS,
} from './eta-math.ts';

/**
 * The checkout ETA as the sum of the parts of a delivery, each learned from the orders that went
 * before (pure: the statistics come in through `Lookup`):
 *   placed → accepted (accept), → ready (prep), → picked up (pickup_lag), → at the door (ride, a
 *   speed along the straight line), → handed over (handover);
 * and the window from the error of that sum on delivered orders (error). Besides the parts, the
 * rides in the weather teach how much it slows them (weather, a ratio to the dry ride: see
 * weather-slowdown.ts).
 */
export type PartKind = 'accept' | 'prep' | 'pickup_lag' | 'ride' | 'handover' | 'error' | 'weather';

/** The statistics of every key at once, over every hour. */
export const ANY_HOUR = -1;
/** The fleet-wide key of a part learned per store or zone. */
export const FLEET = 'all';
/** H3 resolution of a ride's zone (cells of about 5 km²): a neighbourhood's streets and traffic. */
export const ZONE_RES = 7;

export const zoneOf = (p: LatLng): string => latLngToCell(p.lat, p.lng, ZONE_RES);
export const hourOf = (ms: number) => new Date(ms).getUTCHours();
export { backlogKey, backlogLevel };

/** A store looks at a new order within about a minute. */
const ACCEPT_PRIOR_S = 60;
/** The narrowest window promised, and the minute it is rounded to. */
const MIN_WINDOW_MS = 4 * 60_000;
const MINUTE = 60_000;

/** A learned statistic, or null when nothing was learned for it yet. */
export type Lookup = (kind: PartKind, key: string, hour: number) => Learned | null;

/** The parts a store's backlog moves: the wait for the store, the bag, its courier, the sum. */
const QUEUED: ReadonlySet<PartKind> = new Set(['accept', 'prep', 'pickup_lag', 'error']);

/** A statistic's key and hour; for a backlog level's, the key it is a level of and the level. */
export type StatKey = [string, number, { key: string; level: number }?];

/**
 * Which keys a part is learned under, from the general to the specific: the fleet, at the hour,
 * at the backlog level; then the store or zone the same way. Prep has no fleet-wide value; a
 * backlog that is not known (`null`: orders placed before it was kept) adds no level.
 */
export function keysOf(
  kind: PartKind,
  key: string,
  hour: number,
  backlog: number | null = null,
): Array<StatKey> {
  const level = backlog === null || !QUEUED.has(kind) ? null : backlogLevel(backlog);
  const at = (k: string): Array<StatKey> =>
    level === null ? [] : [[backlogKey(k, level), ANY_HOUR, { key: k, level }]];
  const own: Array<StatKey> = [[key, ANY_HOUR], [key, hour], ...at(key)];
  return kind === 'prep' ? own : [[FLEET, ANY_HOUR], [FLEET, hour], ...at(FLEET), ...own];
}

/** The backlog keys of `key` up to the level of `backlog` (the levels below: their trend). */
const levelKeys = (key: string, backlog: number) =>
  Array.from({ length: backlogLevel(backlog) + 1 }, (_, l) => backlogKey(key, l));

/** Every key the statistics of a checkout at this store, door and backlog are read under. */
export function lookupKeys(storeId: string, dropoff: LatLng, backlog: number | null): string[] {
  const keys = [storeId, zoneOf(dropoff), FLEET];
  if (backlog === null) return keys;
  return [...keys, ...levelKeys(storeId, backlog), ...levelKeys(FLEET, backlog)];
}

/**
 * The prior, then each learned level over it, from the fleet to the key at this hour; a backlog
 * level not learned yet from the trend of the levels below it (`atLevel`).
 */
const chain = (
  look: Lookup,
  kind: PartKind,
  key: string,
  hour: number,
  prior: Learned,
  backlog: number | null = null,
) =>
  keysOf(kind, key, hour, backlog).reduce(
    (acc, [k, h, of]) =>
      over(acc, of ? atLevel((at) => look(kind, at, h), of.key, of.level) : look(kind, k, h)),
    prior,
  );

export interface CheckoutInput {
  now: number;
  storeId: string;
  store: LatLng;
  dropoff: LatLng;
  /** The store's configured preparation time, the prior for a store with no history. */
  defaultPrepS: number;
  /** The fleet's travel speed on streets (learned from positions, else the planning speed). */
  streetSpeedMps: number;
  /** The store's orders placed and not yet picked up as this one is placed (null: not known). */
  backlog: number | null;
  /** The ride's free-flow seconds from the travel-time provider; unset: at the learned zone speed. */
  rideS?: number;
  /** Traffic and weather on the ride if it starts at `startsAt`: its factor, and its doubt as a share. */
  rideConditions?: (startsAt: number, freeS: number) => { factor: number; spread: number };
}

export interface CheckoutParts {
  accept_s: number;
  prep_s: number;
  pickup_lag_s: number;
  ride_s: number;
  handover_s: number;
  /** The correction the error learned on delivered orders adds to the parts' sum (s, ±). */
  error_s: number;
}

/**
 * Where a statistic starts from before its first sample: a typical value and spread of each part
 * (its first sample replaces the mean; the spread sets the starting shape of its percentiles).
 */
export function coldOf(kind: PartKind, defaultPrepS: number): Learned {
  if (kind === 'prep') return priorOf(defaultPrepS, defaultPrepS / 2);
  if (kind === 'ride') return priorOf(PLANNING_SPEED_MPS.fleet / DETOUR, 1.5);
  if (kind === 'error') return priorOf(0, 300);
  if (kind === 'weather') return priorOf(1, 0.5);
  return priorOf(kind === 'accept' ? ACCEPT_PRIOR_S : HANDOVER_S, 90);
}

/**
 * The fleet's ride speed along the straight line to `dropoff` (m/s), learned from delivered rides
 * of its zone and hour over the street speed's prior: the speed without traffic or weather.
 */
export function rideSpeedOf(look: Lookup, dropoff: LatLng, now: number, streetSpeedMps: number) {
  const straight = streetSpeedMps / DETOUR;
  return chain(look, 'ride', zoneOf(dropoff), hourOf(now), priorOf(straight, straight * 0.4));
}

/**
 * A store's preparation (s) as learned at this hour and backlog, over its configured time with
 * half of it as the spread until its orders teach it.
 */
export const learnedPrep = (
  look: Lookup,
  storeId: string,
  hour: number,
  defaultPrepS: number,
  backlog: number | null,
): Learned => chain(look, 'prep', storeId, hour, priorOf(defaultPrepS, defaultPrepS / 2), backlog);

/** The keys a store's preparation is read under: the store, and its backlog level when known. */
export const prepKeys = (storeId: string, backlog: number | null): string[] =>
  backlog === null ? [storeId] : [storeId, ...levelKeys(storeId, backlog)];

/** Each part's learned statistic for an order placed now, in seconds (the ride's as a speed). */
export function learnedParts(look: Lookup, i: CheckoutInput) {
  const hour = hourOf(i.now);
  const zone = zoneOf(i.dropoff);
  const q = i.backlog;
  const prep = learnedPrep(look, i.storeId, hour, i.defaultPrepS, q);
  return {
    accept: chain(look, 'accept', i.storeId, hour, priorOf(ACCEPT_PRIOR_S, ACCEPT_PRIOR_S), q),
    prep,
    // Dispatch times its offers so the courier arrives as the bag is ready: until learned, the
    // bag waits about as long as handing it over takes.
    lag: chain(look, 'pickup_lag', i.storeId, hour, priorOf(PICKUP_S, 90), q),
    speed: rideSpeedOf(look, i.dropoff, i.now, i.streetSpeedMps),
    handover: chain(look, 'handover', zone, hour, priorOf(HANDOVER_S, 90)),
  };
}

/** A ride's duration (s) from a learned speed: its mean and percentiles turned into times. */
function rideOf(speed: Learned, distance: number): Learned {
  const t = (v: number) => distance / Math.max(0.3, v);
  return { mean: t(speed.mean), dev: 0, lo: t(speed.hi), hi: t(speed.lo), samples: speed.samples };
}

/**
 * The ride as the checkout adds it: the provider's free-flow time (else the learned one) with the
 * learned spread around it, times the conditions' factor over its time from `startsAt`; and the
 * doubt the conditions add (s).
 */
function conditionedRide(i: CheckoutInput, speed: Learned, startsAt: number) {
  const learned = rideOf(speed, distanceM(i.store, i.dropoff));
  const free = i.rideS ?? learned.mean;
  const c = i.rideConditions?.(startsAt, free) ?? { factor: 1, spread: 0 };
  const k = learned.mean > 0 ? (free / learned.mean) * c.factor : c.factor;
  const ride = { ...learned, mean: free * c.factor, lo: learned.lo * k, hi: learned.hi * k };
  return { ride, doubtS: free * c.spread };
}

/** How far below and above the sum of their means independent parts' percentiles add up (s). */
function spreadOf(parts: readonly Learned[]) {
  const add = (side: (x: Learned) => number) => Math.hypot(...parts.map(side));
  return { below: add((x) => x.mean - x.lo), above: add((x) => x.hi - x.mean) };
}

/**
 * How much sooner or later the ride may end because its start moves across the edge of a
 * condition (s): the bag leaves at the parts' 5th or 95th percentile instead of their mean, and a
 * rain forecast to begin (or end) just after the expected ride then falls on it (or misses it).
 * Nothing when the conditions hold the same over those times.
 */
function conditionsEdge(
  i: CheckoutInput,
  p: ReturnType<typeof learnedParts>,
  rideS: number,
  rideAt: number,
) {
  if (!i.rideConditions) return { earlierS: 0, laterS: 0 };
  const { below: earlyS, above: lateS } = spreadOf([p.accept, p.prep, p.lag]);
  const rideFrom = (at: number) => conditionedRide(i, p.speed, at).ride.mean;
  return {
    earlierS: Math.max(0, rideS - rideFrom(rideAt - earlyS * 1000)),
    laterS: Math.max(0, rideFrom(rideAt + lateS * 1000) - rideS),
  };
}

export interface CheckoutEta {
  /** The point estimate (epoch ms): the model's sum, corrected by its recent mean error. */
  at: number;
  /** The sum of the parts' means (s): what the error is measured against. */
  model_s: number;
  /**
   * Whether every part stands on learned samples (`TRUSTED_SAMPLES` over its levels): only a warm
   * model's misses teach its error. A cold one's (its priors minutes off) would stay in the
   * error's mean long after the parts are learned and pull the promises the other way.
   */
  warm: boolean;
  from: number;
  to: number;
  label: string;
  parts: CheckoutParts;
}

/**
 * The checkout ETA: now + accept + prep + pickup lag + ride + handover, the ride scaled by the
 * traffic and weather expected over its time (a rain forecast to begin halfway slows half of it).
 * The window is the 5th to 95th percentile of the error of that sum on delivered orders (per
 * store, over the fleet's); until there are such errors, the parts' own spreads added as
 * independent ones. The doubt the conditions add widens it on both sides, as an independent
 * spread: a rainy hour makes the promise later and wider. So does a condition's edge near the
 * ride: a bag that leaves late rides into a rain that an on-time one would miss.
 */
export function checkoutEta(look: Lookup, i: CheckoutInput): CheckoutEta {
  const p = learnedParts(look, i);
  const rideAt = i.now + (p.accept.mean + p.prep.mean + p.lag.mean) * 1000;
  const { ride, doubtS } = conditionedRide(i, p.speed, rideAt);
  const edge = conditionsEdge(i, p, ride.mean, rideAt);
  const parts = [p.accept, p.prep, p.lag, ride, p.handover];
  const modelS = parts.reduce((s, x) => s + x.mean, 0);
  const warm = parts.every((x) => x.samples >= TRUSTED_SAMPLES);
  const { below, above } = spreadOf(parts);
  const prior = { mean: 0, dev: (below + above) / 4.12, lo: -below, hi: above, samples: 0 };
  const err = chain(look, 'error', i.storeId, hourOf(i.now), prior, i.backlog);
  const base = i.now + modelS * 1000;
  // The edge moves with the bag's own lateness, already in the error's tail: added to it, not as
  // an independent doubt.
  const lo = err.mean - Math.hypot(err.mean - err.lo, doubtS) - edge.earlierS;
  const hi = err.mean + Math.hypot(err.hi - err.mean, doubtS) + edge.laterS;
  return {
    at: base + err.mean * 1000,
    model_s: modelS,
    warm,
    ...wholeMinutes(i.now, base + lo * 1000, base + hi * 1000),
    parts: {
      accept_s: Math.round(p.accept.mean),
      prep_s: Math.round(p.prep.mean),
      pickup_lag_s: Math.round(p.lag.mean),
      ride_s: Math.round(ride.mean),
      handover_s: Math.round(p.handover.mean),
      error_s: Math.round(err.mean),
    },
  };
}

/**
 * A window rounded outwards to whole minutes of the clock (what the customer reads), not
 * starting before the next minute, at least `MIN_WINDOW_MS` wide (widened on both sides).
 */
export function wholeMinutes(now: number, lo: number, hi: number) {
  let from = Math.max(Math.floor(lo / MINUTE) * MINUTE, Math.ceil(now / MINUTE) * MINUTE);
  let to = Math.max(Math.ceil(hi / MINUTE) * MINUTE, from + MINUTE);
  if (to - from < MIN_WINDOW_MS) {
    const mid = (from + to) / 2;
    from = Math.max(
      Math.floor((mid - MIN_WINDOW_MS / 2) / MINUTE) * MINUTE,
      Math.ceil(now / MINUTE) * MINUTE,
    );
    to = Math.max(to, from + MIN_WINDOW_MS);
  }
  const minutes = (t: number) => Math.round((t - now) / MINUTE);
  return { from, to, label: `${minutes(from)}–${minutes(to)} min` };
}
