import { haversineMeters } from '../../platform/geo/haversine.ts';

/** City streets are longer than the straight line between two points. */
export const DETOUR_FACTOR = 1.3;
/** Planning speeds in a city (m/s): what dispatch assumes until travel times are learned. */
export const VEHICLE_SPEED_MPS = { bike: 4.5, scooter: 7, car: 6.5 } as const;
export const DEFAULT_SPEED_MPS = 6;
/** Parking, finding the door, handing over: added per stop. */
export const STOP_S = 120;

export interface LatLng {
  lat: number;
  lng: number;
}

export const distanceM = (a: LatLng, b: LatLng) => haversineMeters(a.lat, a.lng, b.lat, b.lng);

/** Seconds to cover a straight-line distance on streets. */
export const travelSeconds = (straightM: number, speedMps = DEFAULT_SPEED_MPS) => (straightM * DETOUR_FACTOR) / speedMps;
