import { EARTH_RADIUS_M, haversineMeters } from './haversine.ts';
import type { GeoHit, GeoIndex, GeoPoint, GeoSearch } from './port.ts';

export interface MemoryGeoIndexOptions {
  /**
   * Cell height in degrees of latitude (default 0.01° ≈ 1.1 km). Cells are about as wide as they
   * are high at every latitude, so a 5 km search probes ~100 cells whatever the city.
   */
  cellDeg?: number;
}

export interface MemoryGeoIndex extends GeoIndex {
  readonly kind: 'memory';
  /** Drop every point recorded before `olderThan` (epoch ms); returns how many went. O(n). */
  prune(olderThan: number): Promise<number>;
}

const RAD = Math.PI / 180;
const DEFAULT_LIMIT = 50;
/** Cell keys are `row * COL_SPAN + col`; the finest sensible grid has far fewer columns than this. */
const COL_SPAN = 2 ** 24;

/** The stored record; cells hold the record itself so a search never does a second lookup. */
interface Entry {
  id: string;
  lat: number;
  lng: number;
  at: number;
  cell: number;
}

/**
 * In-process geo index for single-process mode and tests: a uniform grid of ~square cells.
 *
 * Why a grid and not h3: at 20k points a search is dominated by per-cell overhead, and a grid cell
 * is two floors and a numeric Map key, where h3 needs a WASM call per point and `gridDisk` plus
 * string keys per search. Rows are `cellDeg` high; each row is split into a whole number of
 * columns (fewer towards the poles), so cells stay roughly square and a row wraps cleanly at ±180°.
 */
export function createMemoryGeoIndex(options: MemoryGeoIndexOptions = {}): MemoryGeoIndex {
  const cellDeg = options.cellDeg ?? 0.01;
  if (!(cellDeg > 0 && cellDeg <= 10)) throw new RangeError(`cellDeg must be in (0, 10], got ${cellDeg}`);
  const rows = Math.ceil(180 / cellDeg);
  const colsByRow = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const midLat = Math.min(90, -90 + (row + 0.5) * cellDeg);
    colsByRow[row] = Math.max(1, Math.floor((360 * Math.cos(midLat * RAD)) / cellDeg));
  }

  const byId = new Map<string, Entry>();
  const cells = new Map<number, Set<Entry>>();
  let closed = false;

  const rowOf = (lat: number): number => Math.min(rows - 1, Math.floor((lat + 90) / cellDeg));
  const colOf = (row: number, lng: number): number => {
    const cols = colsByRow[row] ?? 1;
    // lng = +180 is the same meridian as -180: wrap it into column 0.
    return Math.floor(((lng + 180) / 360) * cols) % cols;
  };
  const cellOf = (lat: number, lng: number): number => {
    const row = rowOf(lat);
    return row * COL_SPAN + colOf(row, lng);
  };

  function place(entry: Entry): void {
    let set = cells.get(entry.cell);
    if (!set) {
      set = new Set();
      cells.set(entry.cell, set);
    }
    set.add(entry);
  }

  function unplace(entry: Entry): void {
    const set = cells.get(entry.cell);
    if (!set) return;
    set.delete(entry);
    // Drop empty cells so a fleet that drives across the map does not grow the Map forever.
    if (set.size === 0) cells.delete(entry.cell);
  }

  function assertOpen(): void {
    if (closed) throw new Error('memory geo index is closed');
  }

  /** Cells whose rows/columns intersect the bounding box of the search circle, or null for "scan all". */
  function cellsCovering(lat: number, lng: number, radiusM: number): number[] | null {
    const angular = radiusM / EARTH_RADIUS_M; // radians
    const dLat = angular / RAD;
    const minLat = lat - dLat;
    const maxLat = lat + dLat;
    // Longitude half-width of the circle's bounding box; a pole inside the circle means all of it.
    const sinRatio = Math.sin(angular) / Math.cos(lat * RAD);
    const allLng = minLat <= -90 || maxLat >= 90 || angular >= Math.PI / 2 || sinRatio >= 1;
    const dLng = allLng ? 180 : Math.asin(sinRatio) / RAD;
    // A hair of slack against floating-point error at cell edges; the exact filter runs later.
    const slack = 1e-9;
    const firstRow = rowOf(Math.max(-90, minLat - slack));
    const lastRow = rowOf(Math.min(90, maxLat + slack));

    let total = 0;
    const spans: Array<[row: number, from: number, count: number]> = [];
    for (let row = firstRow; row <= lastRow; row++) {
      const cols = colsByRow[row] ?? 1;
      let from = 0;
      let count = cols;
      if (!allLng && dLng < 180) {
        const west = lng - dLng - slack;
        const east = lng + dLng + slack;
        const a = Math.floor(((west + 180) / 360) * cols);
        const b = Math.floor(((east + 180) / 360) * cols);
        count = Math.min(cols, b - a + 1);
        from = ((a % cols) + cols) % cols;
      }
      spans.push([row, from, count]);
      total += count;
      // Probing more cells than there are points is slower than looking at every point.
      if (total > byId.size) return null;
    }
    const out: number[] = [];
    for (const [row, from, count] of spans) {
      const cols = colsByRow[row] ?? 1;
      for (let i = 0; i < count; i++) out.push(row * COL_SPAN + ((from + i) % cols));
    }
    return out;
  }

  return {
    kind: 'memory',

    async upsert(points: readonly GeoPoint[]): Promise<void> {
      assertOpen();
      // Validate the whole batch first so a bad point never leaves the batch half-applied.
      for (const p of points) assertPoint(p);
      for (const p of points) {
        const current = byId.get(p.id);
        if (current) {
          if (p.at < current.at) continue; // a late, older fix must not move the driver back
          const cell = cellOf(p.lat, p.lng);
          if (cell !== current.cell) {
            unplace(current);
            current.cell = cell;
            place(current);
          }
          current.lat = p.lat;
          current.lng = p.lng;
          current.at = p.at;
        } else {
          const entry: Entry = { id: p.id, lat: p.lat, lng: p.lng, at: p.at, cell: cellOf(p.lat, p.lng) };
          byId.set(p.id, entry);
          place(entry);
        }
      }
    },

    async remove(ids: readonly string[]): Promise<void> {
      assertOpen();
      for (const id of ids) {
        const entry = byId.get(id);
        if (!entry) continue;
        byId.delete(id);
        unplace(entry);
      }
    },

    async get(id: string): Promise<GeoPoint | null> {
      assertOpen();
      const e = byId.get(id);
      return e ? { id: e.id, lat: e.lat, lng: e.lng, at: e.at } : null;
    },

    async search(query: GeoSearch): Promise<GeoHit[]> {
      assertOpen();
      assertSearch(query);
      const limit = query.limit ?? DEFAULT_LIMIT;
      if (limit <= 0 || byId.size === 0) return [];
      const { lat, lng, radiusM } = query;
      const freshSince = query.freshSince ?? -Infinity;
      const hits: GeoHit[] = [];
      const consider = (e: Entry): void => {
        if (e.at < freshSince) return;
        const distanceM = haversineMeters(lat, lng, e.lat, e.lng);
        if (distanceM <= radiusM) hits.push({ id: e.id, lat: e.lat, lng: e.lng, at: e.at, distanceM });
      };
      const covering = cellsCovering(lat, lng, radiusM);
      if (covering === null) {
        for (const e of byId.values()) consider(e);
      } else {
        for (const key of covering) {
          const set = cells.get(key);
          if (set) for (const e of set) consider(e);
        }
      }
      // Ties broken by id so results are deterministic across runs and adapters.
      hits.sort((a, b) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (hits.length > limit) hits.length = limit;
      return hits;
    },

    async size(): Promise<number> {
      assertOpen();
      return byId.size;
    },

    async prune(olderThan: number): Promise<number> {
      assertOpen();
      let removed = 0;
      for (const entry of byId.values()) {
        if (entry.at >= olderThan) continue;
        byId.delete(entry.id); // deleting the current entry while iterating a Map is safe
        unplace(entry);
        removed++;
      }
      return removed;
    },

    async close(): Promise<void> {
      closed = true;
      byId.clear();
      cells.clear();
    },
  };
}

function assertPoint(p: GeoPoint): void {
  if (typeof p.id !== 'string' || p.id.length === 0) throw new RangeError('geo point id must be a non-empty string');
  if (!(Number.isFinite(p.lat) && p.lat >= -90 && p.lat <= 90)) {
    throw new RangeError(`geo point ${p.id}: lat must be in [-90, 90], got ${p.lat}`);
  }
  if (!(Number.isFinite(p.lng) && p.lng >= -180 && p.lng <= 180)) {
    throw new RangeError(`geo point ${p.id}: lng must be in [-180, 180], got ${p.lng}`);
  }
  if (!Number.isFinite(p.at)) throw new RangeError(`geo point ${p.id}: at must be a finite epoch ms, got ${p.at}`);
}

function assertSearch(q: GeoSearch): void {
  if (!(Number.isFinite(q.lat) && q.lat >= -90 && q.lat <= 90)) throw new RangeError(`search lat out of range: ${q.lat}`);
  if (!(Number.isFinite(q.lng) && q.lng >= -180 && q.lng <= 180)) throw new RangeError(`search lng out of range: ${q.lng}`);
  if (!(Number.isFinite(q.radiusM) && q.radiusM >= 0)) throw new RangeError(`search radiusM must be >= 0: ${q.radiusM}`);
  if (q.limit !== undefined && !Number.isInteger(q.limit)) throw new RangeError(`search limit must be an integer: ${q.limit}`);
}
