/** Mean earth radius (IUGG), metres. Redis GEO uses 6372797.560856 m; the Redis adapter converts. */
export const EARTH_RADIUS_M = 6371008.8;

const RAD = Math.PI / 180;

/** Great-circle distance in metres between two lat/lng points (degrees) on a spherical earth. */
export function haversineMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const sinDLat = Math.sin(((lat2 - lat1) * RAD) / 2);
  const sinDLng = Math.sin(((lng2 - lng1) * RAD) / 2);
  const a = sinDLat * sinDLat + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * sinDLng * sinDLng;
  // Rounding can push `a` a hair above 1 for antipodal points; asin would return NaN.
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, a)));
}
