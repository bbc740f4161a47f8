import { latLngToCell } from 'h3-js';
import type { SimConfig } from './config.ts';
import type { LatLng } from './plan.ts';

// The simulated world's weather and traffic: what slows the couriers (their phones move slower),
// and what a weather and traffic service tells lastmile about it (`PUT /v1/ops/conditions`).
// Pure, from the config; both worlds of a run get the same.

/** H3 resolution of lastmile's zones (its `ZONE_RES`), for the traffic the service reports. */
export const ZONE_RES = 7;

export type SimVehicle = keyof SimConfig['weather']['rainSlowdown'];

/** A spell of the evening, in seconds since its start. */
export interface Spell {
  fromS: number;
  untilS: number;
}

export interface SimWeather {
  /** `toldS`: when the weather service forecasts it (at `fromS` when it is not forecast). */
  rain: (Spell & { toldS: number; slowdown: SimConfig['weather']['rainSlowdown'] }) | null;
  /** Heavier traffic in the city centre's zone while the rush's orders are on the road. */
  traffic: (Spell & { zone: string; factor: number }) | null;
}

/** Traffic lasts this long after the last arrival of the after-rush phase (their deliveries). */
const TRAFFIC_TAIL_MIN = 5;

export function weatherOf(c: SimConfig): SimWeather {
  const w = c.weather;
  const rushFrom = c.normalMin * 60;
  const rushEnd = (c.normalMin + c.rushMin + c.afterMin + TRAFFIC_TAIL_MIN) * 60;
  return {
    rain:
      w.rainMin > 0
        ? {
            fromS: w.rainFromMin * 60,
            untilS: (w.rainFromMin + w.rainMin) * 60,
            toldS: Math.max(0, w.rainFromMin - (w.rainForecastMin ?? 0)) * 60,
            slowdown: w.rainSlowdown,
          }
        : null,
    traffic:
      w.trafficPercent > 0 && c.rushMin > 0
        ? {
            fromS: rushFrom,
            untilS: rushEnd,
            zone: latLngToCell(c.center.lat, c.center.lng, ZONE_RES),
            factor: 1 + w.trafficPercent / 100,
          }
        : null,
  };
}

const within = (s: Spell | null, t: number): boolean => s !== null && t >= s.fromS && t < s.untilS;

/**
 * What a courier's speed is multiplied by at a point, `t` seconds into the evening: the rain's
 * slowdown of the vehicle, and the traffic of the zone (`zoneOf` is lastmile's cell of a point).
 */
export function speedFactor(
  w: SimWeather,
  vehicle: SimVehicle,
  at: LatLng,
  t: number,
  zoneOf: (p: LatLng) => string = (p) => latLngToCell(p.lat, p.lng, ZONE_RES),
): number {
  let f = 1;
  if (w.rain && within(w.rain, t)) f /= w.rain.slowdown[vehicle];
  if (w.traffic && within(w.traffic, t) && zoneOf(at) === w.traffic.zone) f /= w.traffic.factor;
  return f;
}

/** Whether a ride from `pickedUpAt` to `deliveredAt` (ms) was mostly in the rain: its middle was. */
export function rodeInRain(
  w: SimWeather,
  startedAt: number,
  ride: { pickedUpAt?: number; deliveredAt: number },
): boolean {
  if (!w.rain || ride.pickedUpAt === undefined) return false;
  return within(w.rain, ((ride.pickedUpAt + ride.deliveredAt) / 2 - startedAt) / 1000);
}

export interface ConditionsReport {
  source: string;
  conditions: Array<{
    kind: 'rain' | 'traffic';
    zone?: string;
    starts_at: string;
    ends_at: string;
    factor?: number;
  }>;
}

/**
 * What the weather and traffic services report `nowS` into the evening, each its whole picture:
 * the rain once forecast (`rainForecastMin` before it falls, its start and end as they will be),
 * the traffic once it began; past spells too, so lastmile can learn the rides that ran in them.
 */
export function reportsAt(w: SimWeather, startedAt: number, nowS: number): ConditionsReport[] {
  const iso = (s: number) => new Date(startedAt + s * 1000).toISOString();
  const begun = (s: Spell | null) => s !== null && nowS >= s.fromS;
  return [
    {
      source: 'sim-weather',
      conditions:
        w.rain && nowS >= w.rain.toldS
          ? [{ kind: 'rain', starts_at: iso(w.rain.fromS), ends_at: iso(w.rain.untilS) }]
          : [],
    },
    {
      source: 'sim-traffic',
      conditions:
        begun(w.traffic) && w.traffic
          ? [
              {
                kind: 'traffic',
                zone: w.traffic.zone,
                starts_at: iso(w.traffic.fromS),
                ends_at: iso(w.traffic.untilS),
                factor: w.traffic.factor,
              },
            ]
          : [],
    },
  ];
}
