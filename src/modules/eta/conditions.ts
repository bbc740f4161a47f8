import type { LatLng } from './eta-math.ts';
import { zoneOf } from './eta-model.ts';
import {
  type Effect,
  NO_EFFECT,
  type Slowdown,
  TABLE_SLOWDOWN,
  type Traveller,
  WEATHER_KINDS,
  WEATHER_SLOWDOWN,
  type WeatherKind,
} from './weather-slowdown.ts';

export {
  type Effect,
  NO_EFFECT,
  type Slowdown,
  type Traveller,
  WEATHER_KINDS,
  WEATHER_SLOWDOWN,
  type WeatherKind,
} from './weather-slowdown.ts';

/**
 * Traffic and weather as a feed reports them (`PUT /v1/ops/conditions`), and what they do to a
 * trip's time (pure). A condition holds in a zone (an H3 cell of resolution 7, as the ride's zone
 * in eta-model.ts) or the whole city, from one instant until another (its expiry). Traffic is a
 * multiplier on travel time, the same for every vehicle; weather slows each vehicle by its own
 * factor (rain hurts a bike more than a car), learned from delivered rides over a rule of thumb
 * (weather-slowdown.ts, weather-learning.ts). The learned speeds are the ones without conditions:
 * estimates multiply them by the factor, and learning divides what it saw by the factor that held
 * (eta-timeline.ts, speed-learning.ts), so a rainy hour is not learned as a slow street. A ride in
 * the weather teaches the weather's factor and not the ride's speed: the factor is measured
 * against speeds learned outside weather only, never against speeds it divided itself.
 */

export const CONDITION_KINDS = ['traffic', ...WEATHER_KINDS] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export interface Condition {
  kind: ConditionKind;
  /** The zone (H3 cell, resolution 7), or null for the whole city. */
  zone: string | null;
  /** Epoch ms: holds from `from` until just before `until`. */
  from: number;
  until: number;
  /** Traffic's multiplier on travel time; null for weather (the learned `Slowdown` applies). */
  factor: number | null;
}

/**
 * How sure a traffic factor is: the true slowdown lies within this share of the added time either
 * side (90 % of the time). A traffic feed measures the zone's times; a weather's doubt is the
 * `Slowdown`'s (weather-slowdown.ts).
 */
const TRAFFIC_DOUBT = 0.5;

/** Instants a leg's conditions are read at over its time (the middle of each equal slice). */
const DURING_SAMPLES = 4;

/** The conditions in force, indexed by zone, for estimates to read synchronously. */
export interface Conditions {
  readonly list: readonly Condition[];
  /** What holds at a point at an instant, for a traveller. */
  at(p: LatLng, t: number, who: Traveller): Effect;
  /** Over a leg: the mean of what holds at its two ends (a ride crosses both zones). */
  leg(a: LatLng, b: LatLng, t: number, who: Traveller): Effect;
  /**
   * Over a leg from `t` that takes `freeS` seconds without conditions: what holds on it as time
   * goes, so a ride that starts dry and ends in a forecast rain is slowed for its wet part.
   */
  during(a: LatLng, b: LatLng, t: number, freeS: number, who: Traveller): Effect;
  /** Traffic's factor alone at a point at an instant (1: none). */
  traffic(p: LatLng, t: number): number;
  /** The weather at a point at an instant (the heaviest where several hold), or null: dry. */
  weather(p: LatLng, t: number): WeatherKind | null;
}

/** Heavier weathers first, by the rule of thumb (learned factors do not reorder them). */
const HEAVIER = (a: WeatherKind, b: WeatherKind) =>
  WEATHER_SLOWDOWN[a].fleet - WEATHER_SLOWDOWN[b].fleet;

/**
 * The conditions of `list`, weather slowing each traveller as `slowdown` says (the learned
 * factors; the rule of thumb when not given).
 */
export function conditionsOf(
  list: readonly Condition[],
  slowdown: Slowdown = TABLE_SLOWDOWN,
): Conditions {
  const byZone = new Map<string | null, Condition[]>();
  for (const c of list) {
    const inIt = byZone.get(c.zone);
    if (inIt) inIt.push(c);
    else byZone.set(c.zone, [c]);
  }
  const city = byZone.get(null) ?? [];

  /** Traffic's factor (null: none) and the weathers that hold in a zone at an instant. */
  function heldIn(zone: string, t: number) {
    let traffic: number | null = null;
    const weathers: WeatherKind[] = [];
    for (const held of [byZone.get(zone), city]) {
      for (const c of held ?? []) {
        if (t < c.from || t >= c.until) continue;
        if (c.kind === 'traffic') traffic = Math.max(traffic ?? 0, c.factor ?? 1);
        else weathers.push(c.kind);
      }
    }
    return { traffic, weathers };
  }

  function inZone(zone: string, t: number, who: Traveller): Effect {
    const { traffic, weathers } = heldIn(zone, t);
    let weather = NO_EFFECT;
    for (const w of weathers) {
      const e = slowdown(w, who);
      if (e.factor > weather.factor) weather = e;
    }
    const tf = traffic ?? 1;
    return {
      factor: tf * weather.factor,
      spread: Math.hypot(TRAFFIC_DOUBT * Math.abs(tf - 1), weather.spread),
    };
  }

  const at = (p: LatLng, t: number, who: Traveller): Effect =>
    list.length === 0 ? NO_EFFECT : inZone(zoneOf(p), t, who);
  const leg = (a: LatLng, b: LatLng, t: number, who: Traveller): Effect => {
    if (list.length === 0) return NO_EFFECT;
    const x = at(a, t, who);
    const y = at(b, t, who);
    return { factor: (x.factor + y.factor) / 2, spread: (x.spread + y.spread) / 2 };
  };
  return {
    list,
    at,
    leg,
    during(a, b, t, freeS, who) {
      if (list.length === 0) return NO_EFFECT;
      // Sampled at `DURING_SAMPLES` instants spread over the leg's time (as slowed from its start).
      const s = Math.max(0, freeS) * 1000 * leg(a, b, t, who).factor;
      let factor = 0;
      let spread = 0;
      for (let k = 0; k < DURING_SAMPLES; k++) {
        const e = leg(a, b, t + (s * (k + 0.5)) / DURING_SAMPLES, who);
        factor += e.factor / DURING_SAMPLES;
        spread += e.spread / DURING_SAMPLES;
      }
      return { factor, spread };
    },
    traffic: (p, t) => (list.length === 0 ? 1 : (heldIn(zoneOf(p), t).traffic ?? 1)),
    weather(p, t) {
      if (list.length === 0) return null;
      const { weathers } = heldIn(zoneOf(p), t);
      return weathers.length === 0 ? null : weathers.reduce((a, b) => (HEAVIER(b, a) > 0 ? b : a));
    },
  };
}

export const NO_CONDITIONS: Conditions = conditionsOf([]);
