import type { Vehicle } from '../drivers/index.ts';
import type { LatLng } from './eta-math.ts';
import { zoneOf } from './eta-model.ts';

/**
 * Traffic and weather as a feed reports them (`PUT /v1/ops/conditions`), and what they do to a
 * trip's time (pure). A condition holds in a zone (an H3 cell of resolution 7, as the ride's zone
 * in eta-model.ts) or the whole city, from one instant until another (its expiry). Traffic is a
 * multiplier on travel time, the same for every vehicle; weather slows each vehicle by its own
 * factor (rain hurts a bike more than a car). The learned speeds are the ones without conditions:
 * estimates multiply them by the factor, and learning divides what it saw by the factor that held
 * (eta-timeline.ts, eta.service.ts), so a rainy hour is not learned as a slow street.
 */

/** Who travels: a vehicle, or the fleet when the vehicle is not known yet (the checkout's ride). */
export type Traveller = Vehicle | 'fleet';

export const WEATHER_KINDS = ['rain', 'heavy_rain', 'snow'] as const;
export type WeatherKind = (typeof WEATHER_KINDS)[number];
export const CONDITION_KINDS = ['traffic', ...WEATHER_KINDS] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export interface Condition {
  kind: ConditionKind;
  /** The zone (H3 cell, resolution 7), or null for the whole city. */
  zone: string | null;
  /** Epoch ms: holds from `from` until just before `until`. */
  from: number;
  until: number;
  /** Traffic's multiplier on travel time; null for weather (`WEATHER_SLOWDOWN` applies). */
  factor: number | null;
}

/** Multipliers on a trip's time in each weather, per vehicle and for the fleet as a whole. */
export const WEATHER_SLOWDOWN: Record<WeatherKind, Record<Traveller, number>> = {
  rain: { bike: 1.25, scooter: 1.2, car: 1.1, fleet: 1.2 },
  heavy_rain: { bike: 1.45, scooter: 1.35, car: 1.2, fleet: 1.35 },
  snow: { bike: 1.8, scooter: 1.6, car: 1.35, fleet: 1.6 },
};

/**
 * How sure a factor is: the true slowdown lies within this share of the added time either side
 * (90 % of the time). A traffic feed measures the zone's times; a weather slowdown is a rule of
 * thumb, so its added time may be anything from none to twice as much.
 */
const TRAFFIC_DOUBT = 0.5;
const WEATHER_DOUBT = 1;

/** A trip's time is multiplied by `factor`; `spread` is the doubt, as a share of the free time. */
export interface Effect {
  factor: number;
  spread: number;
}
export const NO_EFFECT: Effect = { factor: 1, spread: 0 };

/** The conditions in force, indexed by zone, for estimates to read synchronously. */
export interface Conditions {
  readonly list: readonly Condition[];
  /** What holds at a point at an instant, for a traveller. */
  at(p: LatLng, t: number, who: Traveller): Effect;
  /** Over a leg: the mean of what holds at its two ends (a ride crosses both zones). */
  leg(a: LatLng, b: LatLng, t: number, who: Traveller): Effect;
}

export function conditionsOf(list: readonly Condition[]): Conditions {
  const byZone = new Map<string | null, Condition[]>();
  for (const c of list) {
    const inIt = byZone.get(c.zone);
    if (inIt) inIt.push(c);
    else byZone.set(c.zone, [c]);
  }
  const city = byZone.get(null) ?? [];

  function inZone(zone: string, t: number, who: Traveller): Effect {
    let traffic: number | null = null;
    let weather = 1;
    for (const held of [byZone.get(zone), city]) {
      for (const c of held ?? []) {
        if (t < c.from || t >= c.until) continue;
        if (c.kind === 'traffic') traffic = Math.max(traffic ?? 0, c.factor ?? 1);
        else weather = Math.max(weather, WEATHER_SLOWDOWN[c.kind][who]);
      }
    }
    const tf = traffic ?? 1;
    return {
      factor: tf * weather,
      spread: Math.hypot(TRAFFIC_DOUBT * Math.abs(tf - 1), WEATHER_DOUBT * (weather - 1)),
    };
  }

  const at = (p: LatLng, t: number, who: Traveller): Effect =>
    list.length === 0 ? NO_EFFECT : inZone(zoneOf(p), t, who);
  return {
    list,
    at,
    leg(a, b, t, who) {
      if (list.length === 0) return NO_EFFECT;
      const x = at(a, t, who);
      const y = at(b, t, who);
      return { factor: (x.factor + y.factor) / 2, spread: (x.spread + y.spread) / 2 };
    },
  };
}

export const NO_CONDITIONS: Conditions = conditionsOf([]);
