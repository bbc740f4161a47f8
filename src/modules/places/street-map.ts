import type { Bbox } from '../../platform/geo/bbox.ts';
import type { StreetClass } from './places-format.ts';

/** The body of `GET /v1/map/streets` (schema: StreetCollection in places.schemas.ts). */
export interface StreetCollectionBody {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    properties: { name: string; class: StreetClass };
    geometry: { type: 'LineString'; coordinates: Array<[number, number]> };
  }>;
}

/**
 * Whether the segment a–b (`[lng, lat]`) passes through the box: Liang–Barsky clipping of the
 * segment against the box's four sides, in degrees (exact enough at street scale).
 */
export function segmentMeetsBox(
  a: readonly [number, number],
  b: readonly [number, number],
  box: Bbox,
): boolean {
  const [x0, y0] = a;
  const dx = b[0] - x0;
  const dy = b[1] - y0;
  let t0 = 0;
  let t1 = 1;
  const sides: Array<[number, number]> = [
    [-dx, x0 - box.west],
    [dx, box.east - x0],
    [-dy, y0 - box.south],
    [dy, box.north - y0],
  ];
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return false;
  }
  return true;
}
