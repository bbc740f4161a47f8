import type { Conditions } from './conditions.ts';
import { TRUSTED_SAMPLES } from './eta-learning.ts';
import { distanceM, type LatLng } from './eta-math.ts';
import { type Lookup, rideSpeedOf } from './eta-model.ts';
import { asTraveller, type Traveller, weatherKey } from './weather-slowdown.ts';

/** A ride's time against its dry time outside this range is no ride (a stop on the way, a slip). */
const MIN_RATIO = 0.25;
const MAX_RATIO = 4;

/** One delivered ride: from the store to the door, by a vehicle if known, between two instants. */
export interface Ride {
  store: LatLng;
  dropoff: LatLng;
  vehicle: string | null;
  from: number;
  to: number;
}

/** What one delivered ride teaches. */
export interface RideLesson {
  /** Its speed along the straight line times the traffic that held (m/s); null in the weather. */
  speedMps: number | null;
  /** Its time over the dry ride's time (traffic included), per `weather` statistic key. */
  weather: Array<{ key: string; x: number }>;
}

const NOTHING: RideLesson = { speedMps: null, weather: [] };

/**
 * What a delivered ride teaches (pure), by what held halfway through it at both its ends:
 * - outside weather, the ride's speed without traffic (the dry street's, as ever), and its time
 *   over the dry ride's as `dry:<traveller>`;
 * - in a weather, only that ratio, as `<weather>:<traveller>`: its slowdown, not its speed.
 * The dry ride's time is the learned ride's (`look`: the statistics before this ride) times the
 * traffic. Those statistics are learned from rides outside weather only, so the factor is never
 * measured against a speed that was divided by the factor itself: a factor learned too low would
 * otherwise make the street seem slow, which would keep the factor low (a loop that settles
 * anywhere between the rule of thumb and the truth). A ride with weather at one end only teaches
 * neither; a ratio against a speed not yet learned (`TRUSTED_SAMPLES`) teaches no slowdown.
 * Each ratio is learned for the vehicle and the fleet: `dry:bike` is how bikes ride against the
 * fleet's dry speed, so a bike's slowdown is its wet ratio over its dry one.
 */
export function rideLesson(
  r: Ride,
  look: Lookup,
  streetSpeedMps: number,
  conditions: Conditions,
): RideLesson {
  const m = distanceM(r.store, r.dropoff);
  const s = (r.to - r.from) / 1000;
  if (s <= 0) return NOTHING;
  const mid = (r.from + r.to) / 2;
  const weather = conditions.weather(r.store, mid);
  if (conditions.weather(r.dropoff, mid) !== weather) return NOTHING;
  const traffic = (conditions.traffic(r.store, mid) + conditions.traffic(r.dropoff, mid)) / 2;
  const speedMps = weather === null ? (m / s) * traffic : null;
  const dry = rideSpeedOf(look, r.dropoff, r.from, streetSpeedMps);
  if (dry.samples < TRUSTED_SAMPLES) return { speedMps, weather: [] };
  const x = s / ((m / Math.max(0.3, dry.mean)) * traffic);
  if (!(x >= MIN_RATIO && x <= MAX_RATIO)) return { speedMps, weather: [] };
  const who = asTraveller(r.vehicle);
  const travellers: Traveller[] = who === 'fleet' ? ['fleet'] : [who, 'fleet'];
  return {
    speedMps,
    weather: travellers.map((w) => ({ key: weatherKey(weather ?? 'dry', w), x })),
  };
}
