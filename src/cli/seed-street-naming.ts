import { type Axis, type Grid, type Section, sectionKey, type UV } from './seed-street-grid.ts';
import { namePools, postcodeOf } from './seed-street-names.ts';
import { hash3, rngFor } from './seed-random.ts';

/** The names and postcodes of a city's generated streets (see seed-streets.ts). */

const CELL_M = 2000;
const mod = (a: number, m: number) => ((a % m) + m) % m;

export interface Naming {
  nameOf(s: Section): string;
  postcodeAt(p: UV): string;
}

const namings = new WeakMap<Grid, Naming>();

/** Lines of an axis whose position lies in [lo, hi). */
export function linesIn(g: Grid, axis: Axis, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = -g.n; i <= g.n; i++) {
    const p = g.pos(axis, i);
    if (p >= lo && p < hi) out.push(i);
  }
  return out;
}

const startOf = (g: Grid, s: Section): UV => g.node(s.axis, s.line, s.from);
const cellOf = ([u, v]: UV): [number, number] => [Math.floor(u / CELL_M), Math.floor(v / CELL_M)];
/** Postcode areas: squares centred on the centre, so the central streets lie inside one. */
const areaOf = ([u, v]: UV): [number, number] => [
  Math.floor(u / CELL_M + 0.5),
  Math.floor(v / CELL_M + 0.5),
];

/** Main-road sections named from the districts' lists: each name once, nearest its district. */
function districtNames(g: Grid): Map<string, string> {
  const mains: Section[] = [];
  for (const axis of [0, 1] as const)
    for (let i = -g.n; i <= g.n; i++) if (g.arterial(axis, i)) mains.push(...g.sections(axis, i));
  const named = new Map<string, string>();
  const used = new Set<string>();
  for (const d of g.city.districts) {
    const [du, dv] = g.toUV(d.lat, d.lng);
    for (const street of d.streets) {
      if (used.has(street)) continue;
      let best: Section | null = null;
      let bestD = Infinity;
      for (const s of mains) {
        if (named.has(sectionKey(s))) continue;
        const [u, v] = startOf(g, s);
        const dist = Math.hypot(u - du, v - dv);
        if (dist < bestD) [best, bestD] = [s, dist];
      }
      if (best) {
        named.set(sectionKey(best), street);
        used.add(street);
      }
    }
  }
  return named;
}

/** Postcode areas in order of distance from the centre, with their direction from it. */
function postcodeAreas(g: Grid): (area: [number, number]) => { rank: number; angle: number } {
  const ranks = new Map<string, { rank: number; angle: number }>();
  const k = Math.ceil((g.city.metroRadiusM + 6000) / CELL_M);
  const cells: Array<[number, number]> = [];
  for (let cu = -k; cu <= k; cu++) for (let cv = -k; cv <= k; cv++) cells.push([cu, cv]);
  const mid = ([cu, cv]: [number, number]): UV => [cu * CELL_M, cv * CELL_M];
  cells.sort((a, b) => Math.hypot(...mid(a)) - Math.hypot(...mid(b)) || a[0] - b[0] || a[1] - b[1]);
  cells.forEach((c, rank) =>
    ranks.set(c.join(':'), { rank, angle: Math.atan2(mid(c)[1], mid(c)[0]) }),
  );
  return (area) => ranks.get(area.join(':')) ?? { rank: cells.length, angle: 0 };
}

/**
 * Main roads take their districts' street names first (each name once: the section starting
 * nearest the district's centre), the central row's first section the city's first name.
 * Everything else takes a name from its 2 km square's share of a pool: squares in a repeating
 * k × k pattern (k ≥ 3, as the pool allows) use disjoint shares, so no name repeats within about
 * k squares.
 */
export function namingOf(g: Grid): Naming {
  const known = namings.get(g);
  if (known) return known;
  const { city } = g;
  const pools = namePools(city);
  const named = districtNames(g);
  const cellNames = new Map<string, Map<string, string>>();
  const namesInCell = (cu: number, cv: number, arterial: boolean) => {
    const key = `${cu}:${cv}:${arterial}`;
    const have = cellNames.get(key);
    if (have) return have;
    const home: Section[] = [];
    for (const axis of [0, 1] as const) {
      const [lo, hi] = axis === 0 ? [cu, cu + 1] : [cv, cv + 1];
      for (const line of linesIn(g, axis, lo * CELL_M, hi * CELL_M))
        for (const s of g.sections(axis, line)) {
          const [su, sv] = cellOf(startOf(g, s));
          if (s.arterial === arterial && su === cu && sv === cv && !named.has(sectionKey(s)))
            home.push(s);
        }
    }
    const all = arterial ? pools.main : pools.local;
    // As many disjoint shares as keep each above the streets a square holds (~60).
    const side = Math.max(3, Math.floor(Math.sqrt(all.length / 64)));
    const color = mod(cu, side) + side * mod(cv, side);
    const pool = all.filter((_, i) => i % (side * side) === color);
    const rng = rngFor(`streets:${g.ns}:cell:${cu}:${cv}:${arterial}`);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [pool[i], pool[j]] = [pool[j] as string, pool[i] as string];
    }
    const out = new Map(home.map((s, i) => [sectionKey(s), pool[i % pool.length] as string]));
    cellNames.set(key, out);
    return out;
  };
  const areaRank = postcodeAreas(g);
  const naming: Naming = {
    nameOf: (s) => {
      const key = sectionKey(s);
      const own = named.get(key);
      if (own) return own;
      const [cu, cv] = cellOf(startOf(g, s));
      return namesInCell(cu, cv, s.arterial).get(key) ?? 'Unnamed';
    },
    postcodeAt: (p) => {
      const [cu, cv] = areaOf(p);
      const r = areaRank([cu, cv]);
      return postcodeOf(
        city,
        r.rank,
        r.angle,
        Math.floor(hash3(g.ns, 95, cu * 7919 + cv) * 2 ** 30),
      );
    },
  };
  namings.set(g, naming);
  return naming;
}
