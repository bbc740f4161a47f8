import type { Vehicle } from '../drivers/index.ts';
import { type Learned, NORMAL_TAIL, over, priorOf } from './eta-learning.ts';

/**
 * How much each weather slows each traveller (pure). The table below is the rule of thumb lastmile
 * starts from; delivered rides teach the real slowdown (weather-learning.ts): each ride under a
 * weather is seen as its time over the time the same ride takes dry, learned per weather and
 * traveller as the `weather` statistic `<weather>:<traveller>`, and the dry rides as the same
 * ratio `dry:<traveller>` (how the traveller's own dry rides compare with the fleet's dry speed,
 * which the ratio is taken against). A weather's factor is the one ratio over the other, shrunk
 * toward the table until `TRUSTED_SAMPLES` rides stand behind it.
 */

/** Who travels: a vehicle, or the fleet when the vehicle is not known yet (the checkout's ride). */
export type Traveller = Vehicle | 'fleet';
export const TRAVELLERS: readonly Traveller[] = ['bike', 'scooter', 'car', 'fleet'];

export const asTraveller = (v: string | null | undefined): Traveller =>
  v === 'bike' || v === 'scooter' || v === 'car' ? v : 'fleet';

export const WEATHER_KINDS = ['rain', 'heavy_rain', 'snow'] as const;
export type WeatherKind = (typeof WEATHER_KINDS)[number];

/** A trip's time is multiplied by `factor`; `spread` is the doubt, as a share of the free time. */
export interface Effect {
  factor: number;
  spread: number;
}
export const NO_EFFECT: Effect = { factor: 1, spread: 0 };

/** The rule of thumb: multipliers on a trip's time in each weather, per vehicle and the fleet. */
export const WEATHER_SLOWDOWN: Record<WeatherKind, Record<Traveller, number>> = {
  rain: { bike: 1.25, scooter: 1.2, car: 1.1, fleet: 1.2 },
  heavy_rain: { bike: 1.45, scooter: 1.35, car: 1.2, fleet: 1.35 },
  snow: { bike: 1.8, scooter: 1.6, car: 1.35, fleet: 1.6 },
};

/**
 * How sure the rule of thumb is: the true slowdown lies within this share of the added time either
 * side (90 % of the time), so its added time may be anything from none to twice as much. A learned
 * factor's doubt is what its rides' spread says instead.
 */
export const WEATHER_DOUBT = 1;

/** The range a learned factor is kept in: weather never speeds a ride up, nor triples it. */
export const MIN_SLOWDOWN = 1;
export const MAX_SLOWDOWN = 3;

/** What each weather does to each traveller's time. */
export type Slowdown = (kind: WeatherKind, who: Traveller) => Effect;

/** The `weather` statistic's key: a weather (or `dry`) and a traveller. */
export const weatherKey = (weather: WeatherKind | 'dry', who: Traveller) => `${weather}:${who}`;

const tableEffect = (kind: WeatherKind, who: Traveller): Effect => {
  const factor = WEATHER_SLOWDOWN[kind][who];
  return { factor, spread: WEATHER_DOUBT * (factor - 1) };
};

/**
 * One weather's effect on one traveller from what was learned (`learned`: the `weather`
 * statistics by key): the table's without samples; else the ratio of its rides in that weather to
 * its dry rides, over the table, with the spread of its rides beyond what dry rides spread anyway
 * (the ride's own spread is in the window already) as the doubt.
 */
export function learnedEffect(
  learned: ReadonlyMap<string, Learned>,
  kind: WeatherKind,
  who: Traveller,
): Effect {
  const table = tableEffect(kind, who);
  const wet = learned.get(weatherKey(kind, who));
  if (!wet || wet.samples <= 0) return table;
  const dry = over(priorOf(1, 0), learned.get(weatherKey('dry', who)));
  const base = Math.max(0.25, dry.mean);
  const factor = wet.mean / base;
  const ownDev = Math.sqrt(Math.max(0, wet.dev ** 2 - (dry.dev * factor) ** 2)) / base;
  const seen = { ...priorOf(factor, NORMAL_TAIL * ownDev), samples: wet.samples };
  const blended = over(priorOf(table.factor, table.spread), seen);
  return {
    factor: Math.min(MAX_SLOWDOWN, Math.max(MIN_SLOWDOWN, blended.mean)),
    spread: Math.max(0, blended.hi - blended.mean),
  };
}

/** Each weather's effect on each traveller, worked out once (estimates read it per leg). */
export function slowdownOf(learned: ReadonlyMap<string, Learned> = new Map()): Slowdown {
  const effects = new Map<string, Effect>();
  for (const kind of WEATHER_KINDS)
    for (const who of TRAVELLERS)
      effects.set(weatherKey(kind, who), learnedEffect(learned, kind, who));
  return (kind, who) => effects.get(weatherKey(kind, who)) ?? tableEffect(kind, who);
}

/** The rule of thumb alone: what holds until rides in the weather were learned. */
export const TABLE_SLOWDOWN: Slowdown = slowdownOf();
