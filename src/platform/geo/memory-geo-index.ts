import { assertPoint, assertSearch } from './geo-input.ts';
import { cellOf, createGrid, type Grid, probes, RAD } from './grid.ts';
import { EARTH_RADIUS_M } from './haversine.ts';
import type { GeoHit, GeoIndex, GeoPoint, GeoSearch } from './port.ts';
import { TopK } from './top-k.ts';

export interface MemoryGeoIndexOptions {
  /**
   * Cell height in degrees of latitude (default 0.01° ≈ 1.1 km). Cells are about as wide as they
   * are high at every latitude, so a 5 km search touches ~80 cells whatever the city.
   */
  cellDeg?: number;
}

export interface MemoryGeoIndex extends GeoIndex {
  readonly kind: 'memory';
  /** Drop every point recorded before `olderThan` (epoch ms); returns how many went. O(n). */
  prune(olderThan: number): Promise<number>;
}

const DEFAULT_LIMIT = 50;

/** The stored record; cells hold the record itself so a search never does a second lookup. */
interface Entry {
  id: string;
  lat: number;
  lng: number;
  at: number;
  /** cos(lat), kept so a search computes one cosine per query instead of one per point. */
  cosLat: number;
  cell: number;
}

/** The points by id and by cell. */
interface Points {
  grid: Grid;
  byId: Map<string, Entry>;
  cells: Map<number, Set<Entry>>;
}

/**
 * In-process geo index for single-process mode and tests: a uniform grid of ~square cells
 * (`grid.ts`).
 *
 * Why a grid and not h3: a grid cell is two floors and a numeric Map key, where h3 costs a WASM
 * call per point, a `gridDisk` per search and string keys (measured slower at 20k points).
 *
 * A search visits the cells that can intersect the circle, nearest first, keeping the best
 * `limit` hits in a heap, and stops as soon as no unvisited cell can beat the worst of them: a
 * "50 nearest within 5 km" in a dense city touches a handful of cells, not the whole circle.
 * Points are compared on the haversine term `a` (monotonic in distance), so only the hits
 * returned pay for the square root and arcsine. Distances equal `haversineMeters` bit for bit.
 */
export function createMemoryGeoIndex(options: MemoryGeoIndexOptions = {}): MemoryGeoIndex {
  const points: Points = {
    grid: createGrid(options.cellDeg ?? 0.01),
    byId: new Map(),
    cells: new Map(),
  };
  const { byId } = points;
  let closed = false;
  const assertOpen = () => {
    if (closed) throw new Error('memory geo index is closed');
  };

  return {
    kind: 'memory',

    async upsert(batch: readonly GeoPoint[]): Promise<void> {
      assertOpen();
      // Validate the whole batch first so a bad point never leaves the batch half-applied.
      for (const p of batch) assertPoint(p);
      for (const p of batch) upsertPoint(points, p);
    },

    async remove(ids: readonly string[]): Promise<void> {
      assertOpen();
      for (const id of ids) {
        const entry = byId.get(id);
        if (!entry) continue;
        byId.delete(id);
        unplace(points, entry);
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
      return search(points, query);
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
        unplace(points, entry);
        removed++;
      }
      return removed;
    },

    async close(): Promise<void> {
      closed = true;
      byId.clear();
      points.cells.clear();
    },
  };
}

function place(points: Points, entry: Entry): void {
  let set = points.cells.get(entry.cell);
  if (!set) {
    set = new Set();
    points.cells.set(entry.cell, set);
  }
  set.add(entry);
}

function unplace(points: Points, entry: Entry): void {
  const set = points.cells.get(entry.cell);
  if (!set) return;
  set.delete(entry);
  // Drop empty cells so a fleet that drives across the map does not grow the Map forever.
  if (set.size === 0) points.cells.delete(entry.cell);
}

function upsertPoint(points: Points, p: GeoPoint): void {
  const cell = cellOf(points.grid, p.lat, p.lng);
  const current = points.byId.get(p.id);
  if (!current) {
    const { id, lat, lng, at } = p;
    const entry: Entry = { id, lat, lng, at, cosLat: Math.cos(lat * RAD), cell };
    points.byId.set(p.id, entry);
    place(points, entry);
    return;
  }
  if (p.at < current.at) return; // a late, older fix must not move the driver back
  if (cell !== current.cell) {
    unplace(points, current);
    current.cell = cell;
    place(points, current);
  }
  current.lat = p.lat;
  current.lng = p.lng;
  current.cosLat = Math.cos(p.lat * RAD);
  current.at = p.at;
}

function search(points: Points, query: GeoSearch): GeoHit[] {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (limit <= 0 || points.byId.size === 0) return [];
  const { lat, lng, radiusM } = query;
  const freshSince = query.freshSince ?? -Infinity;
  // d ≤ r  ⇔  a ≤ sin²(r / 2R), as long as r does not reach the antipode.
  const maxA =
    radiusM >= Math.PI * EARTH_RADIUS_M ? Infinity : Math.sin(radiusM / (2 * EARTH_RADIUS_M)) ** 2;
  const cosQ = Math.cos(lat * RAD);
  const best = new TopK<Entry>(limit);
  const consider = (e: Entry): void => {
    if (e.at < freshSince) return;
    // Same expression, same order of operations as haversineMeters: identical results.
    const sinDLat = Math.sin(((e.lat - lat) * RAD) / 2);
    const sinDLng = Math.sin(((e.lng - lng) * RAD) / 2);
    const a = sinDLat * sinDLat + cosQ * e.cosLat * sinDLng * sinDLng;
    if (a <= maxA) best.offer(e, a);
  };
  const cellsToProbe = probes(points.grid, { lat, lng, radiusM, maxA }, points.byId.size);
  if (cellsToProbe === null) {
    for (const e of points.byId.values()) consider(e);
  } else {
    for (const probe of cellsToProbe) {
      if (best.full() && probe.minA > best.worstA()) break; // nothing further can make the cut
      const set = points.cells.get(probe.key);
      if (set) for (const e of set) consider(e);
    }
  }
  return best.sorted().map(({ entry: e, a }) => ({
    id: e.id,
    lat: e.lat,
    lng: e.lng,
    at: e.at,
    distanceM: 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, a))),
  }));
}
