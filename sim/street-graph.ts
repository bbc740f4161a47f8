import type { LatLng } from './plan.ts';

/**
 * The street network as couriers drive it: nodes where lines share a coordinate, edges along
 * each line, and shortest routes between any two points, each snapped to the nearest street.
 */

export type Position = [number, number];

export interface StreetGraph {
  nodes: LatLng[];
  /** Per node: [neighbour, metres]. */
  edges: Array<Array<[number, number]>>;
  /** Segments (node pairs) per grid bucket, for snapping. */
  buckets: Map<string, Array<[number, number]>>;
}

const M_PER_DEG = 111_195;
const BUCKET_DEG = 0.0025;
/** A point farther than this from every street is not snapped (the route is a straight line). */
const MAX_SNAP_M = 1500;

const flat = (a: LatLng, b: LatLng): number => {
  const k = Math.cos(((a.lat + b.lat) / 2) * (Math.PI / 180));
  return Math.hypot((a.lat - b.lat) * M_PER_DEG, (a.lng - b.lng) * M_PER_DEG * k);
};
const bucketOf = (p: LatLng) =>
  [Math.floor(p.lat / BUCKET_DEG), Math.floor(p.lng / BUCKET_DEG)] as const;

/** The graph of the streets' lines (GeoJSON LineString coordinates, `[lng, lat]`). */
export function buildStreetGraph(lines: ReadonlyArray<ReadonlyArray<Position>>): StreetGraph {
  const ids = new Map<string, number>();
  const g: StreetGraph = { nodes: [], edges: [], buckets: new Map() };
  const nodeOf = ([lng, lat]: Position) => {
    const key = `${lng},${lat}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = g.nodes.length;
      ids.set(key, id);
      g.nodes.push({ lat, lng });
      g.edges.push([]);
    }
    return id;
  };
  for (const line of lines)
    for (let i = 1; i < line.length; i++) {
      const [a, b] = [nodeOf(line[i - 1] as Position), nodeOf(line[i] as Position)];
      if (a === b) continue;
      const m = flat(g.nodes[a] as LatLng, g.nodes[b] as LatLng);
      g.edges[a]?.push([b, m]);
      g.edges[b]?.push([a, m]);
      const [pa, pb] = [bucketOf(g.nodes[a] as LatLng), bucketOf(g.nodes[b] as LatLng)];
      for (let x = Math.min(pa[0], pb[0]); x <= Math.max(pa[0], pb[0]); x++)
        for (let y = Math.min(pa[1], pb[1]); y <= Math.max(pa[1], pb[1]); y++) {
          const k = `${x}:${y}`;
          const list = g.buckets.get(k) ?? [];
          list.push([a, b]);
          g.buckets.set(k, list);
        }
    }
  return g;
}

interface Snap {
  a: number;
  b: number;
  at: LatLng;
  /** Metres from the point to the street. */
  off: number;
}

/** The nearest point on a street, searching buckets outwards. */
function snap(g: StreetGraph, p: LatLng): Snap | null {
  const [bx, by] = bucketOf(p);
  let best = null as Snap | null;
  const reach = Math.ceil(MAX_SNAP_M / (BUCKET_DEG * M_PER_DEG * 0.6));
  for (let r = 0; r <= reach; r++) {
    for (let x = bx - r; x <= bx + r; x++)
      for (let y = by - r; y <= by + r; y++) {
        if (Math.max(Math.abs(x - bx), Math.abs(y - by)) !== r) continue;
        for (const [a, b] of g.buckets.get(`${x}:${y}`) ?? []) {
          const at = closest(g.nodes[a] as LatLng, g.nodes[b] as LatLng, p);
          const off = flat(at, p);
          if (!best || off < best.off) best = { a, b, at, off };
        }
      }
    // Buckets further out are at least (r × bucket) away.
    if (best && best.off < r * BUCKET_DEG * M_PER_DEG * 0.6) break;
  }
  return best && best.off <= MAX_SNAP_M ? best : null;
}

function closest(a: LatLng, b: LatLng, p: LatLng): LatLng {
  const k = Math.cos((p.lat * Math.PI) / 180);
  const [dx, dy] = [(b.lng - a.lng) * k, b.lat - a.lat];
  const len2 = dx * dx + dy * dy;
  const t =
    len2 === 0
      ? 0
      : Math.max(0, Math.min(1, ((p.lng - a.lng) * k * dx + (p.lat - a.lat) * dy) / len2));
  return { lat: a.lat + (b.lat - a.lat) * t, lng: a.lng + (b.lng - a.lng) * t };
}

/** A binary heap of [cost, node], cheapest first. */
class Heap {
  private items: Array<[number, number]> = [];
  get size() {
    return this.items.length;
  }
  push(item: [number, number]) {
    const h = this.items;
    h.push(item);
    for (let i = h.length - 1; i > 0;) {
      const up = (i - 1) >> 1;
      if ((h[up] as [number, number])[0] <= item[0]) break;
      [h[i], h[up]] = [h[up] as [number, number], item];
      i = up;
    }
  }
  pop(): [number, number] | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let m = i;
        if (l < h.length && (h[l] as [number, number])[0] < (h[m] as [number, number])[0]) m = l;
        if (r < h.length && (h[r] as [number, number])[0] < (h[m] as [number, number])[0]) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as [number, number], h[i] as [number, number]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The shortest way from `from` to `to` along the streets (A* on the graph, entered and left at
 * the nearest point of a street), or null when either is far from every street or no street
 * connects them.
 */
export function streetRoute(g: StreetGraph, from: LatLng, to: LatLng): LatLng[] | null {
  const [s, t] = [snap(g, from), snap(g, to)];
  if (!s || !t) return null;
  if ((s.a === t.a && s.b === t.b) || (s.a === t.b && s.b === t.a)) return [from, s.at, t.at, to];
  const cost = new Map<number, number>();
  const prev = new Map<number, number>();
  const heap = new Heap();
  const h = (n: number) => flat(g.nodes[n] as LatLng, t.at);
  for (const n of [s.a, s.b]) {
    const c = flat(s.at, g.nodes[n] as LatLng);
    if (c < (cost.get(n) ?? Infinity)) cost.set(n, c);
    heap.push([c + h(n), n]);
  }
  const exits = new Map([
    [t.a, flat(g.nodes[t.a] as LatLng, t.at)],
    [t.b, flat(g.nodes[t.b] as LatLng, t.at)],
  ]);
  let best = Infinity;
  let bestExit = -1;
  while (heap.size > 0) {
    const [f, n] = heap.pop() as [number, number];
    if (f >= best) break;
    const c = cost.get(n) as number;
    if (f > c + h(n) + 1e-6) continue;
    const exit = exits.get(n);
    if (exit !== undefined && c + exit < best) [best, bestExit] = [c + exit, n];
    for (const [m, w] of g.edges[n] ?? []) {
      if (c + w < (cost.get(m) ?? Infinity)) {
        cost.set(m, c + w);
        prev.set(m, n);
        heap.push([c + w + h(m), m]);
      }
    }
  }
  if (bestExit < 0) return null;
  const path: LatLng[] = [];
  for (let n: number | undefined = bestExit; n !== undefined; n = prev.get(n))
    path.push(g.nodes[n] as LatLng);
  return [from, s.at, ...path.reverse(), t.at, to];
}
