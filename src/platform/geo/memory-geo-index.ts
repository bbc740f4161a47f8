import { EARTH_RADIUS_M } from './haversine.ts';
import { assertPoint, assertSearch } from './geo-input.ts';
import type { GeoHit, GeoIndex, GeoPoint, GeoSearch } from './port.ts';

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
  /** cos(lat), kept so a search computes one cosine per query instead of one per point. */
  cosLat: number;
  cell: number;
}

/** A cell a search may need, with a lower bound on the haversine term `a` of any point in it. */
interface Probe {
  key: number;
  minA: number;
}

/**
 * In-process geo index for single-process mode and tests: a uniform grid of ~square cells.
 *
 * Why a grid and not h3: a grid cell is two floors and a numeric Map key, where h3 costs a WASM
 * call per point, a `gridDisk` per search and string keys (measured slower at 20k points).
 * Rows are `cellDeg` high; each row is split into a whole number of columns (fewer towards the
 * poles), so cells stay roughly square and a row wraps cleanly at ±180°.
 *
 * A search visits the cells that can intersect the circle, nearest first, keeping the best
 * `limit` hits in a heap, and stops as soon as no unvisited cell can beat the worst of them: a
 * "50 nearest within 5 km" in a dense city touches a handful of cells, not the whole circle.
 * Points are compared on the haversine term `a` (monotonic in distance), so only the hits
 * returned pay for the square root and arcsine. Distances equal `haversineMeters` bit for bit.
 */
export function createMemoryGeoIndex(options: MemoryGeoIndexOptions = {}): MemoryGeoIndex {
  const cellDeg = options.cellDeg ?? 0.01;
  if (!(cellDeg > 0 && cellDeg <= 10))
    throw new RangeError(`cellDeg must be in (0, 10], got ${cellDeg}`);
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
  const cellOf = (lat: number, lng: number): number => {
    const row = rowOf(lat);
    const cols = colsByRow[row] ?? 1;
    // lng = +180 is the same meridian as -180: wrap it into column 0.
    return row * COL_SPAN + (Math.floor(((lng + 180) / 360) * cols) % cols);
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

  /**
   * Cells that may hold a point within `maxA` of the centre, sorted by their lower bound, or null
   * when probing cells would cost more than scanning every point.
   *
   * The bound: a = sin²(Δφ/2) + cosφ₁·cosφ₂·sin²(Δλ/2) ≥ sin²(gapφ/2) + cosφ₁·min(cosφ₂)·sin²(gapλ/2),
   * where the gaps are the angular distances from the centre to the cell's lat and lng ranges.
   */
  function probes(lat: number, lng: number, radiusM: number, maxA: number): Probe[] | null {
    const angular = radiusM / EARTH_RADIUS_M;
    const dLat = angular / RAD;
    const cosQ = Math.cos(lat * RAD);
    // Longitude half-width of the circle's bounding box; a pole inside the circle means all of it.
    const sinRatio = Math.sin(angular) / cosQ;
    const allLng = lat - dLat <= -90 || lat + dLat >= 90 || angular >= Math.PI / 2 || sinRatio >= 1;
    const dLng = allLng ? 180 : Math.asin(sinRatio) / RAD;
    const slack = 1e-9; // degrees, against rounding at cell edges; the exact test runs per point
    const firstRow = rowOf(Math.max(-90, lat - dLat - slack));
    const lastRow = rowOf(Math.min(90, lat + dLat + slack));

    let total = 0;
    for (let row = firstRow; row <= lastRow; row++) {
      const cols = colsByRow[row] ?? 1;
      total += allLng ? cols : Math.min(cols, Math.ceil(((2 * dLng) / 360) * cols) + 2);
      if (total > byId.size) return null;
    }

    const out: Probe[] = [];
    for (let row = firstRow; row <= lastRow; row++) {
      const cols = colsByRow[row] ?? 1;
      const latLo = -90 + row * cellDeg;
      const latHi = Math.min(90, latLo + cellDeg);
      const gapLat = lat < latLo ? latLo - lat : lat > latHi ? lat - latHi : 0;
      const rowA = sinSq(gapLat * RAD);
      if (rowA > maxA) continue;
      const cosRow = Math.max(0, Math.min(Math.cos(latLo * RAD), Math.cos(latHi * RAD)));
      let from = 0;
      let count = cols;
      if (!allLng) {
        const a = Math.floor(((lng - dLng - slack + 180) / 360) * cols);
        const b = Math.floor(((lng + dLng + slack + 180) / 360) * cols);
        count = Math.min(cols, b - a + 1);
        from = ((a % cols) + cols) % cols;
      }
      const width = 360 / cols;
      for (let i = 0; i < count; i++) {
        const col = (from + i) % cols;
        // Angular gap from the centre to the column, the short way round the globe.
        const mid = -180 + (col + 0.5) * width;
        const gapLng = Math.max(0, Math.abs(((((lng - mid) % 360) + 540) % 360) - 180) - width / 2);
        // Shave the bound a little so floating-point rounding can never drop a cell that matters.
        const minA = (rowA + cosQ * cosRow * sinSq(gapLng * RAD)) * (1 - 1e-9);
        if (minA <= maxA) out.push({ key: row * COL_SPAN + col, minA });
      }
    }
    out.sort((x, y) => x.minA - y.minA);
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
          current.cosLat = Math.cos(p.lat * RAD);
          current.at = p.at;
        } else {
          const cell = cellOf(p.lat, p.lng);
          const entry: Entry = {
            id: p.id,
            lat: p.lat,
            lng: p.lng,
            at: p.at,
            cosLat: Math.cos(p.lat * RAD),
            cell,
          };
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
      // d ≤ r  ⇔  a ≤ sin²(r / 2R), as long as r does not reach the antipode.
      const maxA =
        radiusM >= Math.PI * EARTH_RADIUS_M
          ? Infinity
          : Math.sin(radiusM / (2 * EARTH_RADIUS_M)) ** 2;
      const cosQ = Math.cos(lat * RAD);
      const best = new TopK(limit);
      const consider = (e: Entry): void => {
        if (e.at < freshSince) return;
        // Same expression, same order of operations as haversineMeters: identical results.
        const sinDLat = Math.sin(((e.lat - lat) * RAD) / 2);
        const sinDLng = Math.sin(((e.lng - lng) * RAD) / 2);
        const a = sinDLat * sinDLat + cosQ * e.cosLat * sinDLng * sinDLng;
        if (a <= maxA) best.offer(e, a);
      };
      const cellsToProbe = probes(lat, lng, radiusM, maxA);
      if (cellsToProbe === null) {
        for (const e of byId.values()) consider(e);
      } else {
        for (const probe of cellsToProbe) {
          if (best.full() && probe.minA > best.worstA()) break; // nothing further can make the cut
          const set = cells.get(probe.key);
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

const sinSq = (angle: number): number => {
  const s = Math.sin(angle / 2);
  return s * s;
};

/** Ties on distance go by id, so results are deterministic. */
const before = (aA: number, idA: string, aB: number, idB: string): boolean =>
  aA < aB || (aA === aB && idA < idB);

/** The `k` smallest candidates by `a`, in a binary max-heap: the worst kept one is at the root. */
class TopK {
  private readonly entries: Entry[] = [];
  private readonly as: number[] = [];
  constructor(private readonly k: number) {}

  full(): boolean {
    return this.entries.length >= this.k;
  }

  worstA(): number {
    return this.as[0] ?? Infinity;
  }

  offer(entry: Entry, a: number): void {
    const { entries, as } = this;
    if (entries.length < this.k) {
      entries.push(entry);
      as.push(a);
      this.siftUp(entries.length - 1);
      return;
    }
    const root = entries[0];
    if (!root || !before(a, entry.id, as[0] ?? Infinity, root.id)) return;
    entries[0] = entry;
    as[0] = a;
    this.siftDown(0);
  }

  sorted(): Array<{ entry: Entry; a: number }> {
    const out = this.entries.map((entry, i) => ({ entry, a: this.as[i] ?? Infinity }));
    return out.sort((x, y) => (before(x.a, x.entry.id, y.a, y.entry.id) ? -1 : 1));
  }

  /** True when slot i should sit above slot j in the max-heap. */
  private above(i: number, j: number): boolean {
    return before(
      this.as[j] ?? Infinity,
      this.entries[j]?.id ?? '',
      this.as[i] ?? Infinity,
      this.entries[i]?.id ?? '',
    );
  }

  private swap(i: number, j: number): void {
    const { entries, as } = this;
    [entries[i], entries[j]] = [entries[j] as Entry, entries[i] as Entry];
    [as[i], as[j]] = [as[j] as number, as[i] as number];
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.entries.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < n && this.above(l, top)) top = l;
      if (r < n && this.above(r, top)) top = r;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }
}
