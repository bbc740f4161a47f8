import { metresBetween } from '../geo.ts';

// The map's arithmetic: Web-Mercator around the view, the box a view shows, the tiles its data is
// fetched by. Pure functions of plain numbers (test/web/map-projection.test.ts).

export interface LngLat {
  lat: number;
  lng: number;
}
/** A box of the Earth in degrees: west, south, east, north. */
export interface Bbox {
  west: number;
  south: number;
  east: number;
  north: number;
}
/** Where the map looks: its centre and zoom (a 256-pixel world at zoom 0, doubling per step). */
export interface Camera {
  center: LngLat;
  zoom: number;
}
/** A camera on a box of `width` × `height` pixels. */
export interface View extends Camera {
  width: number;
  height: number;
}
/** A square of the Web-Mercator grid at zoom `z` (x east, y south, as map tiles are numbered). */
export interface Tile {
  z: number;
  x: number;
  y: number;
}
interface Point {
  x: number;
  y: number;
}

export const WORLD = 256;
/** Closer than 13 the view holds more streets than is useful to fetch and draw. */
export const MIN_ZOOM = 13;
export const MAX_ZOOM = 19;
/** The closest a view fitted around a few points comes (a single point shows its street). */
export const FIT_MAX_ZOOM = 17;
const MAX_LAT = 85.05112878;
const RAD = Math.PI / 180;

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
export const clampZoom = (z: number) => clamp(z, MIN_ZOOM, MAX_ZOOM);

/** A point's Web-Mercator position at zoom 0: x and y within [0, 256), y growing southwards. */
export function toWorld(p: LngLat): Point {
  const lat = clamp(p.lat, -MAX_LAT, MAX_LAT) * RAD;
  return {
    x: (WORLD * (p.lng + 180)) / 360,
    y: WORLD * (0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI)),
  };
}

/** The point at a zoom-0 Web-Mercator position. */
export function fromWorld(w: Point): LngLat {
  const n = Math.PI * (1 - (2 * w.y) / WORLD);
  return { lat: Math.atan(Math.sinh(n)) / RAD, lng: (w.x / WORLD) * 360 - 180 };
}

/** Where `p` is drawn in the view, in pixels from its top left corner. */
export function toScreen(view: View, p: LngLat): Point {
  const c = toWorld(view.center);
  const w = toWorld(p);
  const s = 2 ** view.zoom;
  return { x: view.width / 2 + (w.x - c.x) * s, y: view.height / 2 + (w.y - c.y) * s };
}

/** `toScreen` for many points of one view: the view's own arithmetic done once. */
export function screenProjection(view: View): (p: LngLat) => Point {
  const c = toWorld(view.center);
  const s = 2 ** view.zoom;
  const [cx, cy] = [view.width / 2 - c.x * s, view.height / 2 - c.y * s];
  return (p) => {
    const w = toWorld(p);
    return { x: cx + w.x * s, y: cy + w.y * s };
  };
}

/** The point under pixel (x, y) of the view. */
export function fromScreen(view: View, x: number, y: number): LngLat {
  const c = toWorld(view.center);
  const s = 2 ** view.zoom;
  return fromWorld({ x: c.x + (x - view.width / 2) / s, y: c.y + (y - view.height / 2) / s });
}

/** The box the view shows. */
export function viewBbox(view: View): Bbox {
  const nw = fromScreen(view, 0, 0);
  const se = fromScreen(view, view.width, view.height);
  return { west: nw.lng, north: nw.lat, east: se.lng, south: se.lat };
}

/** The camera once the picture is moved by (dx, dy) pixels (a drag to the right shows the west). */
export function panBy(view: View, dx: number, dy: number): Camera {
  return { center: fromScreen(view, view.width / 2 - dx, view.height / 2 - dy), zoom: view.zoom };
}

/** The camera at `zoom` (clamped) that keeps the point under pixel (x, y) where it is. */
export function zoomAround(view: View, zoom: number, x: number, y: number): Camera {
  const z = clampZoom(zoom);
  const p = toWorld(fromScreen(view, x, y));
  const s = 2 ** z;
  const center = fromWorld({
    x: p.x - (x - view.width / 2) / s,
    y: p.y - (y - view.height / 2) / s,
  });
  return { center, zoom: z };
}

/**
 * The camera showing every point with `pad` pixels to spare in a `width` × `height` box, no
 * closer than FIT_MAX_ZOOM (one point, or points close together, show their streets around).
 */
export function fitCamera(points: LngLat[], width: number, height: number, pad = 40): Camera {
  if (points.length === 0) throw new Error('fitCamera needs a point');
  const w = points.map(toWorld);
  const xs = w.map((p) => p.x);
  const ys = w.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const room = (px: number, span: number) =>
    span > 0 ? Math.log2(Math.max(1, px - 2 * pad) / span) : FIT_MAX_ZOOM;
  const zoom = clamp(Math.min(room(width, x1 - x0), room(height, y1 - y0)), MIN_ZOOM, FIT_MAX_ZOOM);
  return { center: fromWorld({ x: (x0 + x1) / 2, y: (y0 + y1) / 2 }), zoom };
}

/** The zoom of the tiles a view's data is fetched by: a few tiles whatever the zoom. */
export const dataZoom = (zoom: number) => (zoom >= 15 ? 14 : 13);

/** The tiles of zoom `z` covering the box, west to east, north to south. */
export function tilesFor(box: Bbox, z: number): Tile[] {
  const n = 2 ** z;
  const nw = toWorld({ lat: box.north, lng: box.west });
  const se = toWorld({ lat: box.south, lng: box.east });
  const cell = (v: number) => clamp(Math.floor((v / WORLD) * n), 0, n - 1);
  const tiles: Tile[] = [];
  for (let y = cell(nw.y); y <= cell(se.y); y++)
    for (let x = cell(nw.x); x <= cell(se.x); x++) tiles.push({ z, x, y });
  return tiles;
}

/** The box of a tile. */
export function tileBbox(t: Tile): Bbox {
  const size = WORLD / 2 ** t.z;
  const nw = fromWorld({ x: t.x * size, y: t.y * size });
  const se = fromWorld({ x: (t.x + 1) * size, y: (t.y + 1) * size });
  return { west: nw.lng, north: nw.lat, east: se.lng, south: se.lat };
}

/** A box as the API's `bbox` parameter: `west,south,east,north`, six decimals (about 10 cm). */
export const bboxParam = (b: Bbox) =>
  [b.west, b.south, b.east, b.north].map((v) => v.toFixed(6)).join(',');

/** The longest side of a box in metres (its diagonal is at most √2 of it). */
export function bboxSpan(b: Bbox): number {
  const midLat = (b.north + b.south) / 2;
  const across = metresBetween({ lat: midLat, lng: b.west }, { lat: midLat, lng: b.east });
  const tall = metresBetween({ lat: b.south, lng: b.west }, { lat: b.north, lng: b.west });
  return Math.max(across, tall);
}

/**
 * A projection for drawing: points in pixels of zoom `z0` from `origin`, so a layer is projected
 * once and placed in any view by `layerTransform` (small numbers: an SVG path keeps its precision).
 */
export function localProjection(origin: LngLat, z0: number): (p: LngLat) => Point {
  const o = toWorld(origin);
  const s = 2 ** z0;
  return (p) => {
    const w = toWorld(p);
    return { x: (w.x - o.x) * s, y: (w.y - o.y) * s };
  };
}

/** Where a layer of `localProjection(origin, z0)` goes in the view: translate, then scale `k`. */
export function layerTransform(view: View, origin: LngLat, z0: number) {
  const at = toScreen(view, origin);
  return { x: at.x, y: at.y, k: 2 ** (view.zoom - z0) };
}
