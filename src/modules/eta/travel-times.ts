import type { Vehicle } from '../drivers/index.ts';
import { type Conditions, NO_CONDITIONS, type Traveller } from './conditions.ts';
import { DETOUR, distanceM, type LatLng, PLANNING_SPEED_MPS, travelSeconds } from './eta-math.ts';
import { hourOf } from './eta-model.ts';

/** One leg of a trip: from where to where, who travels it, and when (for speeds learned per hour). */
export interface Leg {
  from: LatLng;
  to: LatLng;
  who: Traveller;
  /** Epoch ms. */
  at: number;
}

export interface LegTime {
  /** Seconds on streets at free flow: no traffic, no weather (the conditions scale it). */
  seconds: number;
  /** Metres on streets. */
  metres: number;
  /** Who answered: the straight line, or the routing service. */
  source: 'straight' | 'osrm';
}

/**
 * The travel-time provider port: how long one leg takes on streets. Two adapters share one
 * contract (travel-times.contract.ts): the straight line at the learned speeds (the default) and
 * an OSRM-compatible routing service (`LASTMILE_ROUTING_URL`), which falls back to the straight
 * line when it does not answer in time.
 */
export interface TravelTimes {
  readonly name: 'straight' | 'osrm';
  leg(l: Leg): Promise<LegTime>;
}

/** The speeds the straight line is travelled at, learned and cached by the ETA (eta-stats.ts). */
export interface LearnedSpeeds {
  /** A vehicle's speed on streets at a UTC hour, from the location history (m/s). */
  vehicleMps(vehicle: Vehicle, hour: number): Promise<number>;
  /**
   * The fleet's ride speed along the straight line to `to`, learned from delivered rides per zone
   * and hour (m/s): what a courier not yet known will take, parking at the door included.
   */
  rideMps(to: LatLng, at: number): Promise<number>;
}

/**
 * The default adapter: the straight line, made longer by the city's detour and travelled at the
 * vehicle's learned speed; for the fleet, at the ride speed learned for the drop-off's zone (which
 * already holds the detour). No network, no failure mode.
 */
export function straightLine(speeds: LearnedSpeeds): TravelTimes {
  return {
    name: 'straight',
    async leg({ from, to, who, at }) {
      const straight = distanceM(from, to);
      const seconds =
        who === 'fleet'
          ? straight / Math.max(0.3, await speeds.rideMps(to, at))
          : travelSeconds(straight, await speeds.vehicleMps(who, hourOf(at)));
      return { seconds, metres: straight * DETOUR, source: 'straight' };
    },
  };
}

/**
 * The straight line's pace as a synchronous function, for dispatch's ranking: seconds to cover a
 * straight-line distance by a vehicle, under the conditions between two points (ends unknown:
 * none). A snapshot of the learned speeds and conditions, taken once per search.
 */
export interface TravelPace {
  seconds(straightM: number, vehicle: Vehicle, from?: LatLng, to?: LatLng): number;
}

export function paceOf(
  speedMps: (vehicle: Vehicle) => number,
  conditions: Conditions,
  at: number,
): TravelPace {
  return {
    seconds(straightM, vehicle, from, to) {
      const factor =
        from && to
          ? conditions.leg(from, to, at, vehicle).factor
          : from
            ? conditions.at(from, at, vehicle).factor
            : 1;
      return travelSeconds(straightM, speedMps(vehicle)) * factor;
    },
  };
}

/** The planning speeds and no conditions: what dispatch's pure rules assume unless given more. */
export const PLANNING_PACE: TravelPace = paceOf((v) => PLANNING_SPEED_MPS[v], NO_CONDITIONS, 0);
