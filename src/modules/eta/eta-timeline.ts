import { type Conditions, NO_CONDITIONS } from './conditions.ts';
import { type Learned, observeLearned } from './eta-learning.ts';
import { distanceM, type LatLng } from './eta-math.ts';
import {
  ANY_HOUR,
  checkoutEta,
  coldOf,
  hourOf,
  keysOf,
  type Lookup,
  type PartKind,
  zoneOf,
} from './eta-model.ts';
import { rideLesson } from './weather-learning.ts';

/** An order's way as it really went (epoch ms; null until known), as tracking follows it. */
export interface Timeline {
  storeId: string;
  store: LatLng;
  dropoff: LatLng;
  defaultPrepS: number;
  /** The store's orders not yet picked up when this one was placed (null: not known). */
  backlog: number | null;
  /** The vehicle of the courier who rode it, when known (its slowdown in the weather is learned). */
  vehicle?: string | null;
  placedAt: number | null;
  acceptedAt: number | null;
  readyAt: number | null;
  pickedUpAt: number | null;
  atDropoffAt: number | null;
  deliveredAt: number | null;
}

type Moment = Exclude<
  keyof Timeline,
  'storeId' | 'store' | 'dropoff' | 'defaultPrepS' | 'backlog' | 'vehicle'
>;

/** A part of a delivery: the moments it runs between. `delivery` is the whole way, for the error. */
export const PARTS = {
  accept: ['placedAt', 'acceptedAt'],
  prep: ['acceptedAt', 'readyAt'],
  pickup_lag: ['readyAt', 'pickedUpAt'],
  ride: ['pickedUpAt', 'atDropoffAt'],
  handover: ['atDropoffAt', 'deliveredAt'],
  delivery: ['placedAt', 'deliveredAt'],
} as const satisfies Record<string, readonly [Moment, Moment]>;
export type TimelinePart = keyof typeof PARTS;

/**
 * The parts that became known between two states of one order's timeline: both their moments
 * known now, not both before. Each moment is recorded once, so each part is learned once
 * whatever order the events came in.
 */
export function completedParts(before: Timeline, after: Timeline): TimelinePart[] {
  const known = (t: Timeline, [a, b]: readonly [Moment, Moment]) => t[a] !== null && t[b] !== null;
  return (Object.keys(PARTS) as TimelinePart[]).filter(
    (p) => known(after, PARTS[p]) && !known(before, PARTS[p]),
  );
}

/** Which statistic: a part, what it is learned for (a store, a zone, the fleet), an hour or −1. */
export interface StatAddress {
  kind: PartKind;
  key: string;
  hour: number;
}

/** A sample of one learned statistic. */
export interface Observation extends StatAddress {
  x: number;
}

/**
 * The observations per statistic, each statistic once (its samples in order), keyed by the same
 * object for every observation of it.
 */
export function perStatistic(obs: readonly Observation[]): Map<StatAddress, number[]> {
  const addresses = new Map<string, StatAddress>();
  const out = new Map<StatAddress, number[]>();
  for (const o of obs) {
    const id = `${o.kind}|${o.key}|${o.hour}`;
    const a = addresses.get(id) ?? { kind: o.kind, key: o.key, hour: o.hour };
    addresses.set(id, a);
    out.set(a, [...(out.get(a) ?? []), o.x]);
  }
  return out;
}

/** Durations longer than this are not a delivery's (an order forgotten, a clock gone wrong). */
const MAX_PART_S = 3 * 3600;
/** A drop-off nearer the store than this says nothing about riding speed. */
const MIN_RIDE_M = 150;

/** What the checkout model had besides the statistics: the provider's ride, the conditions. */
export interface ModelContext {
  /** The ride's free-flow seconds from the travel-time provider (unset: the learned speed's). */
  rideS?: number;
  conditions?: Conditions;
}

/**
 * What the completed parts teach, each under every key it is learned by (`keysOf`). The ride is a
 * speed along the straight line, without the traffic that held halfway through it (the speed seen
 * times its factor), so the learned speed stays the one of a free street; a ride in the weather
 * teaches the weather's slowdown instead (`rideLesson`, ANY_HOUR), so a rainy hour is not learned
 * as a slow street nor counted twice; `delivery` teaches the error of the checkout ETA the
 * statistics make now (`look`, before this order is learned) for an order placed as this one
 * was, under the conditions of then, so the window fits the ETA as it is today, not as it was
 * when older orders were promised theirs.
 */
export function observationsOf(
  t: Timeline,
  parts: readonly TimelinePart[],
  look: Lookup,
  streetSpeedMps: number,
  model: ModelContext = {},
): Observation[] {
  const out: Observation[] = [];
  const zone = zoneOf(t.dropoff);
  const conditions = model.conditions ?? NO_CONDITIONS;
  const rideConditions = (at: number, freeS: number) =>
    conditions.during(t.store, t.dropoff, at, freeS, 'fleet');
  const add = (kind: PartKind, key: string, from: number, x: number) => {
    for (const [k, hour] of keysOf(kind, key, hourOf(from), t.backlog))
      out.push({ kind, key: k, hour, x });
  };
  for (const part of parts) {
    const [from, to] = PARTS[part];
    const a = t[from];
    const b = t[to];
    if (a === null || b === null) continue;
    const s = (b - a) / 1000;
    if (s < 0 || s > MAX_PART_S) continue;
    if (part === 'ride') {
      if (distanceM(t.store, t.dropoff) < MIN_RIDE_M) continue;
      const ride = { ...t, vehicle: t.vehicle ?? null, from: a, to: b };
      const lesson = rideLesson(ride, look, streetSpeedMps, conditions);
      if (lesson.speedMps !== null) add('ride', zone, a, lesson.speedMps);
      for (const w of lesson.weather)
        out.push({ kind: 'weather', key: w.key, hour: ANY_HOUR, x: w.x });
    } else if (part === 'handover') add('handover', zone, a, s);
    else if (part === 'delivery') {
      const eta = checkoutEta(look, {
        ...t,
        now: a,
        streetSpeedMps,
        rideS: model.rideS,
        rideConditions,
      });
      if (eta.warm) add('error', t.storeId, a, s - eta.model_s);
    } else add(part, t.storeId, a, s);
  }
  return out;
}

/**
 * How much one sample moves a part's mean and deviation: about the last 40 samples count, which
 * keeps the noise of a single wait out of the ETA and still follows a rush within minutes.
 */
export const PART_ALPHA = 0.05;

/** A statistic after these samples of it (`current` null: from the part's cold start). */
export const learnedAfter = (
  kind: PartKind,
  current: Learned | null,
  xs: readonly number[],
  defaultPrepS: number,
): Learned =>
  xs.reduce((s, x) => observeLearned(s, x, PART_ALPHA), current ?? coldOf(kind, defaultPrepS));
