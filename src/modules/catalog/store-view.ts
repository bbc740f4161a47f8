import type { LatLng, Zone } from './coverage.ts';
import type { OpeningHours } from './opening-hours.ts';
import type { StoreStatus } from './catalog-tables.ts';
import type { StoreRow } from './stores.repository.ts';

/** A store as the API answers it. */
export interface StoreView {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  zone: { radius_m: number; polygon: LatLng[] | null };
  timezone: string;
  opening_hours: OpeningHours;
  status: StoreStatus;
  avg_prep_s: number;
  version: number;
}

export const storeView = (s: StoreRow): StoreView => ({
  id: s.id,
  name: s.name,
  address: s.address,
  lat: s.lat,
  lng: s.lng,
  zone: { radius_m: s.zone_radius_m, polygon: s.zone_polygon },
  timezone: s.timezone,
  opening_hours: s.opening_hours,
  status: s.status,
  avg_prep_s: s.avg_prep_s,
  version: s.version,
});

/** The store's delivery zone, as the coverage rules take it. */
export const zoneOf = (s: StoreRow): Zone => ({
  lat: s.lat,
  lng: s.lng,
  radiusM: s.zone_radius_m,
  polygon: s.zone_polygon,
});
