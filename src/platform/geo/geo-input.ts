import type { GeoPoint, GeoSearch } from './port.ts';

/**
 * Input checks both geo adapters share; `maxLat` is the adapter's own limit (Redis GEO stops at
 * ±85.05°, the in-process index takes the whole globe), named in the message.
 */
export function assertPoint(p: GeoPoint, maxLat = 90, where = ''): void {
  if (typeof p.id !== 'string' || p.id.length === 0)
    throw new RangeError('geo point id must be a non-empty string');
  if (!(Number.isFinite(p.lat) && Math.abs(p.lat) <= maxLat)) {
    throw new RangeError(
      `geo point ${p.id}: lat must be in [-${maxLat}, ${maxLat}]${where}, got ${p.lat}`,
    );
  }
  if (!(Number.isFinite(p.lng) && p.lng >= -180 && p.lng <= 180)) {
    throw new RangeError(`geo point ${p.id}: lng must be in [-180, 180], got ${p.lng}`);
  }
  if (!Number.isFinite(p.at))
    throw new RangeError(`geo point ${p.id}: at must be a finite epoch ms, got ${p.at}`);
}

export function assertSearch(q: GeoSearch, maxLat = 90): void {
  if (!(Number.isFinite(q.lat) && Math.abs(q.lat) <= maxLat))
    throw new RangeError(`search lat out of range: ${q.lat}`);
  if (!(Number.isFinite(q.lng) && q.lng >= -180 && q.lng <= 180))
    throw new RangeError(`search lng out of range: ${q.lng}`);
  if (!(Number.isFinite(q.radiusM) && q.radiusM >= 0))
    throw new RangeError(`search radiusM must be >= 0: ${q.radiusM}`);
  if (q.limit !== undefined && !Number.isInteger(q.limit))
    throw new RangeError(`search limit must be an integer: ${q.limit}`);
}
