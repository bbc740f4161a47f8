/** Metres between two points on the Earth (haversine; close enough for a city). */
export function metresBetween(
  a: { lat: number; lng: number },
  b: { lat: number; lng: number },
): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** A `geo:` link: the phone's map or navigation app opens at the point. */
export const geoUri = (p: { lat: number; lng: number }, label?: string) =>
  `geo:${p.lat.toFixed(6)},${p.lng.toFixed(6)}?q=${p.lat.toFixed(6)},${p.lng.toFixed(6)}${
    label ? encodeURIComponent(`(${label})`) : ''
  }`;
