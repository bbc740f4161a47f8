import { metresBetween } from '@web/geo.ts';
import type { Bbox, LngLat } from '@web/map/projection.ts';

// Which served city the place screen's map opens on before a point is chosen, and what of it the
// first view shows. Pure (test/web/place-cities.test.ts).

/** A city as `GET /v1/places/cities` lists it (the fields chosen by). */
export interface ServedCity {
  key: string;
  center: LngLat;
  bbox: Bbox;
  addresses: number;
  stores: number;
}

/** How far around its centre a city's first view reaches, metres (streets drawn, zoom ≥ 14). */
export const OPENING_HALF_M = 600;
const M_PER_DEG = 111_195;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Metres from the point to the city's box (0 inside it). */
function metresToBox(p: LngLat, b: Bbox): number {
  return metresBetween(p, {
    lat: clamp(p.lat, b.south, b.north),
    lng: clamp(p.lng, b.west, b.east),
  });
}

/** Whether rank `a` comes before `b` (compared item by item). */
function before(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

/**
 * The city to open on: with a point known (the last delivery place), the one whose box is nearest
 * it (0 inside), then whose centre is; without one, the one with the most stores, then the most
 * addresses; ties keep the list's order. None when no city is served.
 */
export function defaultCity<C extends ServedCity>(
  cities: readonly C[],
  near: LngLat | null,
): C | null {
  let best: { city: C; rank: number[] } | null = null;
  for (const city of cities) {
    const rank = near
      ? [metresToBox(near, city.bbox), metresBetween(near, city.center)]
      : [-city.stores, -city.addresses];
    if (!best || before(rank, best.rank)) best = { city, rank };
  }
  return best?.city ?? null;
}

/** The two corners of the city's first view: OPENING_HALF_M around its centre each way. */
export function openingView(city: Pick<ServedCity, 'center'>): LngLat[] {
  const { lat, lng } = city.center;
  const dLat = OPENING_HALF_M / M_PER_DEG;
  const dLng = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  return [
    { lat: lat - dLat, lng: lng - dLng },
    { lat: lat + dLat, lng: lng + dLng },
  ];
}
