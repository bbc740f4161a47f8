import { cellToBoundary, latLngToCell } from 'h3-js';
import type { CitySettings } from '../../platform/config-settings-city.ts';
import type { Clock } from '../../platform/context.ts';
import { haversineMeters } from '../../platform/geo/haversine.ts';
import type { GeoIndex } from '../../platform/geo/port.ts';
import type { DriverStatus, Vehicle } from '../drivers/index.ts';
import { BEFORE_PICKUP, type OpenOrder, type OrderStatus } from '../orders/index.ts';
import {
  type CityDriver,
  type CityOrder,
  type CityPosition,
  type CityStore,
  type CityZone,
} from './city-live.messages.ts';

// The city as the ops console's live map shows it, read through the modules that own each part,
// and what changed between two reads.

/** H3 resolution of the map's zones: cells of ~0.74 km² (the catalog's coverage cells too). */
export const ZONE_RES = 8;
/** Most drivers, orders and stores one read takes: a city, not a country. */
export const CITY_LIMIT = 20_000;

/** Where each part of the city is read from (the owning modules' services). */
export interface CitySources {
  clock: Clock;
  settings: CitySettings;
  /** Positions older than this are not shown (dispatch's staleness too). */
  staleS: number;
  /** How far beyond its outermost stores the city reaches: dispatch's widest search. */
  marginM: number;
  positions: GeoIndex;
  online: (
    limit: number,
  ) => Promise<Array<{ id: string; name: string; vehicle: Vehicle; status: DriverStatus }>>;
  trips: (
    limit: number,
  ) => Promise<Array<{ trip_id: string; driver_id: string; order_ids: string[] }>>;
  orders: (now: Date, limit: number) => Promise<OpenOrder[]>;
  stores: (limit: number) => Promise<
    Array<{
      id: string;
      name: string;
      lat: number;
      lng: number;
      status: 'open' | 'paused' | 'closed';
    }>
  >;
}

/** The circle the drivers are looked for in: around the stores, reaching past them. */
export interface Area {
  lat: number;
  lng: number;
  radiusM: number;
}

/** The city as one read found it, each part by id (zones by cell). */
export interface CityState {
  positions: Map<string, CityPosition>;
  drivers: Map<string, CityDriver>;
  orders: Map<string, CityOrder>;
  stores: Map<string, CityStore>;
  zones: Map<string, CityZone>;
}
export type CityKind = keyof CityState;
export const CITY_KINDS: readonly CityKind[] = [
  'positions',
  'drivers',
  'orders',
  'stores',
  'zones',
];

export const emptyCity = (): CityState => ({
  positions: new Map(),
  drivers: new Map(),
  orders: new Map(),
  stores: new Map(),
  zones: new Map(),
});

/** The part of the state read every few seconds (all but the positions and zones). */
export type SlowState = Pick<CityState, 'drivers' | 'orders' | 'stores'> & { area: Area | null };

/** Orders waiting for a driver or their store: a store's backlog, a zone's demand. */
const WAITING: ReadonlySet<OrderStatus> = new Set(BEFORE_PICKUP);
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
/** The zone a point is in (the map's filter and its demand and supply count by it). */
const cellOf = (lat: number, lng: number) => latLngToCell(lat, lng, ZONE_RES);

/** The circle through the stores' bounding box centre reaching the farthest store, plus `marginM`. */
export function areaOf(stores: ReadonlyArray<{ lat: number; lng: number }>, marginM: number) {
  if (stores.length === 0) return null;
  const lats = stores.map((s) => s.lat);
  const lngs = stores.map((s) => s.lng);
  const lat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const lng = (Math.min(...lngs) + Math.max(...lngs)) / 2;
  const far = Math.max(...stores.map((s) => haversineMeters(lat, lng, s.lat, s.lng)));
  return { lat, lng, radiusM: far + marginM };
}

/** Drivers on shift with their trips, open orders, stores with their backlog. */
export async function readSlowState(src: CitySources, now: Date): Promise<SlowState> {
  const [online, trips, orders, stores] = await Promise.all([
    src.online(CITY_LIMIT),
    src.trips(CITY_LIMIT),
    src.orders(now, CITY_LIMIT),
    src.stores(CITY_LIMIT),
  ]);
  const tripOf = new Map(trips.map((t) => [t.driver_id, t]));
  const drivers = new Map<string, CityDriver>();
  for (const d of online) {
    if (d.status === 'offline') continue;
    const trip = tripOf.get(d.id);
    drivers.set(d.id, {
      id: d.id,
      name: d.name,
      status: d.status,
      vehicle: d.vehicle,
      trip_id: trip?.trip_id ?? null,
      order_ids: trip?.order_ids ?? [],
    });
  }
  const waiting = new Map<string, number>();
  const cityOrders = new Map<string, CityOrder>();
  for (const o of orders) {
    if (WAITING.has(o.status)) waiting.set(o.store_id, (waiting.get(o.store_id) ?? 0) + 1);
    cityOrders.set(o.id, {
      id: o.id,
      status: o.status,
      store_id: o.store_id,
      lat: o.lat,
      lng: o.lng,
      cell: cellOf(o.lat, o.lng),
      deadline_at: o.deadline_at?.toISOString() ?? null,
      late: o.late,
    });
  }
  const cityStores = new Map<string, CityStore>();
  for (const s of stores) {
    if (s.status === 'closed') continue;
    const open = waiting.get(s.id) ?? 0;
    const status =
      s.status === 'paused' ? 'paused' : open > src.settings.backlog ? 'backlogged' : 'open';
    cityStores.set(s.id, {
      id: s.id,
      name: s.name,
      lat: s.lat,
      lng: s.lng,
      cell: cellOf(s.lat, s.lng),
      status,
      open_orders: open,
    });
  }
  return { drivers, orders: cityOrders, stores: cityStores, area: areaOf(stores, src.marginM) };
}

/**
 * The fresh positions of the drivers on shift within the area, each with its cell (kept from
 * `before` for a driver who has not moved: most have not since the last read).
 */
export async function readPositions(
  src: CitySources,
  area: Area | null,
  onShift: ReadonlyMap<string, unknown>,
  before: ReadonlyMap<string, CityPosition>,
): Promise<Map<string, CityPosition>> {
  const out = new Map<string, CityPosition>();
  if (!area) return out;
  const hits = await src.positions.search({
    ...area,
    limit: CITY_LIMIT,
    freshSince: src.clock.now() - src.staleS * 1000,
  });
  for (const h of hits) {
    if (!onShift.has(h.id)) continue;
    const lat = round6(h.lat);
    const lng = round6(h.lng);
    const was = before.get(h.id);
    const cell = was && was.lat === lat && was.lng === lng ? was.cell : cellOf(lat, lng);
    out.set(h.id, { id: h.id, lat, lng, cell, at: Math.round(h.at) });
  }
  return out;
}

/** The corners of cells already drawn (a city has a few thousand). */
const boundaries = new Map<string, Array<[number, number]>>();
function boundaryOf(cell: string): Array<[number, number]> {
  let b = boundaries.get(cell);
  if (!b) {
    b = cellToBoundary(cell).map(([lat, lng]) => [round6(lat), round6(lng)] as [number, number]);
    if (boundaries.size >= CITY_LIMIT) boundaries.clear();
    boundaries.set(cell, b);
  }
  return b;
}

/**
 * Demand and supply per H3 cell: each open order not yet picked up counts in the cell of its
 * drop-off and in its store's; each available driver (on shift, on no trip) in the cell they are
 * in. Cells with neither are left out.
 */
export function zonesOf(
  s: Pick<CityState, 'positions' | 'drivers' | 'orders' | 'stores'>,
): Map<string, CityZone> {
  const zones = new Map<string, CityZone>();
  const zone = (cell: string) => {
    let z = zones.get(cell);
    if (!z) zones.set(cell, (z = { cell, boundary: boundaryOf(cell), demand: 0, supply: 0 }));
    return z;
  };
  for (const o of s.orders.values()) {
    if (!WAITING.has(o.status)) continue;
    const drop = zone(o.cell);
    drop.demand += 1;
    const store = s.stores.get(o.store_id);
    if (store && store.cell !== o.cell) zone(store.cell).demand += 1;
  }
  for (const d of s.drivers.values()) {
    const p = s.positions.get(d.id);
    if (p && d.status === 'available' && d.trip_id === null) zone(p.cell).supply += 1;
  }
  return zones;
}

/** Whether two entries of one kind say the same (their fields are plain values and arrays). */
function same(a: object, b: object): boolean {
  if (a === b) return true;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k of Object.keys(x)) {
    const u = x[k];
    const v = y[k];
    if (u === v) continue;
    if (Array.isArray(u) && Array.isArray(v) && JSON.stringify(u) === JSON.stringify(v)) continue;
    return false;
  }
  return true;
}

/** What changed from `before` to `after`: entries new or changed, and keys gone; null if nothing. */
export function changes<T extends object>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  equal: (a: T, b: T) => boolean = same,
): { upsert: T[]; remove: string[] } | null {
  const upsert: T[] = [];
  const remove: string[] = [];
  for (const [k, v] of after) {
    const was = before.get(k);
    if (!was || !equal(was, v)) upsert.push(v);
  }
  for (const k of before.keys()) if (!after.has(k)) remove.push(k);
  return upsert.length > 0 || remove.length > 0 ? { upsert, remove } : null;
}

/** A driver's point moved (a newer fix at the same spot is no change to draw). */
export const samePoint = (a: CityPosition, b: CityPosition) => a.lat === b.lat && a.lng === b.lng;
