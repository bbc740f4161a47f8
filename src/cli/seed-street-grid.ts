import type { City } from './seed-cities.ts';
import { hash3 } from './seed-random.ts';

/**
 * The street grid of a city, a pure function of (seed, city): two families of straight lines in
 * a frame centred on the city centre and turned a few degrees per city. Columns (constant `u`)
 * and rows (constant `v`) lie 120–180 m apart, so blocks vary; every 5th or 6th line is a main
 * road (arterial), line 0 of each family among them, so an arterial crossing sits on the centre.
 * Some blocks of the other columns are missing: a street ends at a T-junction and another starts
 * a block further on. Rows never miss a block, so every node reaches every other.
 *
 * A line is cut into sections, each one named street: ordinary streets end at main roads (most
 * of them) and at missing blocks; main roads run on over two to four arterial crossings.
 * Everything here covers the whole metro area and depends on nothing but (seed, city), so any
 * region of it (the demo's zones, the districts) is made of the very same streets.
 */

export type Axis = 0 | 1;
/** Metres east-ish (u) and north-ish (v) of the centre, in the city's turned frame. */
export type UV = [number, number];

export interface Section {
  axis: Axis;
  line: number;
  /** Cross-line indexes of its first and last node, in numbering order (first = nearer the centre). */
  from: number;
  to: number;
  arterial: boolean;
}

const MIN_GAP_M = 120;
const SPREAD_M = 60;
/** Share of ordinary column blocks left out. */
const MISSING_BLOCK = 0.07;
/** Share of main-road crossings an ordinary street runs across instead of ending. */
const CROSSES_MAIN_ROAD = 0.3;

export interface Grid {
  city: City;
  ns: number;
  /** Lines -n..n of each family. */
  n: number;
  /** Position of line i of an axis (u for columns, v for rows). */
  pos(axis: Axis, i: number): number;
  arterial(axis: Axis, i: number): boolean;
  /** Whether the block of column `i` between rows j and j+1 exists. */
  block(axis: Axis, i: number, j: number): boolean;
  node(axis: Axis, line: number, cross: number): UV;
  toLatLng(p: UV): { lat: number; lng: number };
  toUV(lat: number, lng: number): UV;
  sections(axis: Axis, line: number): Section[];
}

const M_PER_DEG = 111_195;

function linePositions(ns: number, axis: Axis, n: number): Float64Array {
  const out = new Float64Array(2 * n + 1);
  for (let i = 1; i <= n; i++) {
    out[n + i] = (out[n + i - 1] as number) + MIN_GAP_M + SPREAD_M * hash3(ns, 10 + axis, i - 1);
    out[n - i] = (out[n - i + 1] as number) - MIN_GAP_M - SPREAD_M * hash3(ns, 10 + axis, -i);
  }
  return out;
}

/** Every 5th or 6th line from line 0 outwards. */
function arterialLines(ns: number, axis: Axis, n: number): Uint8Array {
  const out = new Uint8Array(2 * n + 1);
  for (const dir of [1, -1]) {
    for (let i = 0, k = 0; Math.abs(i) <= n; k++) {
      out[n + i] = 1;
      i += dir * (hash3(ns, 20 + axis, dir * k) < 0.5 ? 5 : 6);
    }
  }
  return out;
}

const grids = new Map<string, Grid>();

export function gridOf(seed: number, city: City): Grid {
  const memoKey = `${seed}:${city.key}`;
  const known = grids.get(memoKey);
  if (known) return known;
  const ns = seed * 8 + city.code;
  const n = Math.ceil((city.metroRadiusM + 4000) / MIN_GAP_M);
  const positions = [linePositions(ns, 0, n), linePositions(ns, 1, n)] as const;
  const arterials = [arterialLines(ns, 0, n), arterialLines(ns, 1, n)] as const;
  const theta = ((hash3(ns, 30, 0) - 0.5) * 24 * Math.PI) / 180;
  const [cos, sin] = [Math.cos(theta), Math.sin(theta)];
  const kLng = M_PER_DEG * Math.cos((city.center.lat * Math.PI) / 180);
  const inRange = (i: number) => i >= -n && i <= n;
  const grid: Grid = {
    city,
    ns,
    n,
    pos: (axis, i) => positions[axis][n + i] as number,
    arterial: (axis, i) => inRange(i) && arterials[axis][n + i] === 1,
    block: (axis, i, j) =>
      inRange(i) &&
      inRange(j) &&
      inRange(j + 1) &&
      (axis === 1 || grid.arterial(0, i) || hash3(ns, 40, i * 7919 + j) >= MISSING_BLOCK),
    node: (axis, line, cross) =>
      axis === 0
        ? [grid.pos(0, line), grid.pos(1, cross)]
        : [grid.pos(0, cross), grid.pos(1, line)],
    toLatLng: ([u, v]) => {
      const x = u * cos - v * sin;
      const y = u * sin + v * cos;
      return { lat: city.center.lat + y / M_PER_DEG, lng: city.center.lng + x / kLng };
    },
    toUV: (lat, lng) => {
      const x = (lng - city.center.lng) * kLng;
      const y = (lat - city.center.lat) * M_PER_DEG;
      return [x * cos + y * sin, -x * sin + y * cos];
    },
    sections: (axis, line) => sectionsOf(grid, axis, line),
  };
  grids.set(memoKey, grid);
  return grid;
}

const sectionMemo = new WeakMap<Grid, Map<string, Section[]>>();

/** Where the line's streets end: at missing blocks and at the chosen main-road crossings. */
function breaksOf(g: Grid, axis: Axis, line: number): Set<number> {
  const cross: Axis = axis === 0 ? 1 : 0;
  const breaks = new Set<number>();
  if (g.arterial(axis, line)) {
    // Main roads: a new name every two to four arterial crossings, counted from the centre
    // (the central row's first street starts on the centre itself).
    const mains: number[] = [];
    for (let j = -g.n; j <= g.n; j++) if (g.arterial(cross, j)) mains.push(j);
    const zero = mains.indexOf(0);
    const phase = axis === 1 && line === 0 ? 0 : Math.floor(hash3(g.ns, 50 + axis, line) * 3);
    for (const dir of [1, -1]) {
      let m = dir === 1 ? phase : phase - 2 - Math.floor(hash3(g.ns, 60 + axis, line) * 3);
      for (let k = 0; zero + m >= 0 && zero + m < mains.length; k++) {
        breaks.add(mains[zero + m] as number);
        m += dir * (2 + Math.floor(hash3(g.ns, 70 + axis, line * 131 + dir * k) * 3));
      }
    }
    return breaks;
  }
  for (let j = -g.n; j <= g.n; j++)
    if (g.arterial(cross, j) && hash3(g.ns, 80 + axis, line * 7919 + j) >= CROSSES_MAIN_ROAD)
      breaks.add(j);
  return breaks;
}

function sectionsOf(g: Grid, axis: Axis, line: number): Section[] {
  let memo = sectionMemo.get(g);
  if (!memo) sectionMemo.set(g, (memo = new Map()));
  const key = `${axis}:${line}`;
  const known = memo.get(key);
  if (known) return known;
  const breaks = breaksOf(g, axis, line);
  const arterial = g.arterial(axis, line);
  const out: Section[] = [];
  let start = -g.n;
  const close = (end: number) => {
    if (end > start) {
      // Numbered from the end nearer the centre.
      const [a, b] = [g.node(axis, line, start), g.node(axis, line, end)];
      const nearStart = Math.hypot(...a) <= Math.hypot(...b);
      out.push({
        axis,
        line,
        from: nearStart ? start : end,
        to: nearStart ? end : start,
        arterial,
      });
    }
  };
  for (let j = -g.n; j < g.n; j++) {
    if (!g.block(axis, line, j)) {
      close(j);
      start = j + 1;
    } else if (breaks.has(j + 1) && j + 1 < g.n) {
      close(j + 1);
      start = j + 1;
    }
  }
  close(g.n);
  memo.set(key, out);
  return out;
}

/** The nodes of a section in numbering order. */
export function sectionNodes(g: Grid, s: Section): UV[] {
  const step = s.to >= s.from ? 1 : -1;
  const out: UV[] = [];
  for (let j = s.from; j !== s.to + step; j += step) out.push(g.node(s.axis, s.line, j));
  return out;
}

export const sectionKey = (s: Section) => `${s.axis}:${s.line}:${Math.min(s.from, s.to)}`;
