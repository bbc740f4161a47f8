import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  bboxParam,
  bboxSpan,
  type Camera,
  dataZoom,
  FIT_MAX_ZOOM,
  fitCamera,
  fromScreen,
  fromWorld,
  layerTransform,
  localProjection,
  MAX_ZOOM,
  MIN_ZOOM,
  panBy,
  screenProjection,
  tileBbox,
  tilesFor,
  toScreen,
  toWorld,
  type View,
  viewBbox,
  zoomAround,
} from '../../web/shared/map/projection.ts';

// The map's arithmetic (web/shared/map/projection.ts): Web-Mercator there and back, the view's box,
// panning and zooming about a point, fitting points, and the tiles the map's data is fetched by.

const MITTE = { lat: 52.52, lng: 13.405 };
/** A phone's map box (390 px wide, 4:3) at street zoom over Berlin Mitte. */
const phone = (c: Partial<Camera> = {}): View => ({
  center: MITTE,
  zoom: 16,
  width: 390,
  height: 292,
  ...c,
});
const near = (a: { lat: number; lng: number }, b: { lat: number; lng: number }, eps = 1e-9) =>
  Math.abs(a.lat - b.lat) < eps && Math.abs(a.lng - b.lng) < eps;

const lat = fc.double({ min: -80, max: 80, noNaN: true });
const lng = fc.double({ min: -179.9, max: 179.9, noNaN: true });
const zoom = fc.double({ min: MIN_ZOOM, max: MAX_ZOOM, noNaN: true });
const pixel = fc.record({
  x: fc.double({ min: 0, max: 390, noNaN: true }),
  y: fc.double({ min: 0, max: 292, noNaN: true }),
});

describe('Web-Mercator', () => {
  it('puts the equator and the prime meridian in the middle of the 256-pixel world', () => {
    expect(toWorld({ lat: 0, lng: 0 })).toEqual({ x: 128, y: 128 });
    expect(toWorld({ lat: 0, lng: -180 }).x).toBe(0);
    expect(toWorld({ lat: 85.05112878, lng: 0 }).y).toBeCloseTo(0, 6);
    // North is up: a point further north has a smaller y.
    expect(toWorld({ lat: 53, lng: 13 }).y).toBeLessThan(toWorld({ lat: 52, lng: 13 }).y);
  });

  test.prop([lat, lng])('comes back to the same point', (la, ln) => {
    expect(near(fromWorld(toWorld({ lat: la, lng: ln })), { lat: la, lng: ln })).toBe(true);
  });

  test.prop([zoom, pixel])('a pixel of the view and its point are each other’s', (z, px) => {
    const view = phone({ zoom: z });
    const back = toScreen(view, fromScreen(view, px.x, px.y));
    expect(back.x).toBeCloseTo(px.x, 6);
    expect(back.y).toBeCloseTo(px.y, 6);
  });

  it('draws the centre in the middle of the box', () => {
    expect(toScreen(phone(), MITTE)).toEqual({ x: 195, y: 146 });
  });

  test.prop([zoom, lat, lng])('places a point as toScreen does, for many at once', (z, la, ln) => {
    const view = phone({ zoom: z });
    const p = { lat: la, lng: ln };
    const fast = screenProjection(view)(p);
    const slow = toScreen(view, p);
    expect(fast.x).toBeCloseTo(slow.x, 3);
    expect(fast.y).toBeCloseTo(slow.y, 3);
  });
});

describe('the view', () => {
  it('shows a box around its centre, about 1.1 km by 0.8 km on a phone at zoom 16 in Berlin', () => {
    const b = viewBbox(phone());
    expect(b.west).toBeLessThan(MITTE.lng);
    expect(b.east).toBeGreaterThan(MITTE.lng);
    expect(b.south).toBeLessThan(MITTE.lat);
    expect(b.north).toBeGreaterThan(MITTE.lat);
    // 390 px × 2.39 m a pixel × cos 52.52°.
    expect(bboxSpan(b)).toBeGreaterThan(550);
    expect(bboxSpan(b)).toBeLessThan(600);
    // One zoom step out doubles each side.
    expect(bboxSpan(viewBbox(phone({ zoom: 15 })))).toBeCloseTo(2 * bboxSpan(b), -1);
  });

  test.prop([
    zoom,
    fc.double({ min: -300, max: 300, noNaN: true }),
    fc.double({ min: -300, max: 300, noNaN: true }),
  ])('a pan moves the picture by as many pixels, and back', (z, dx, dy) => {
    const view = phone({ zoom: z });
    const moved = { ...view, ...panBy(view, dx, dy) };
    // What was in the middle is now dx, dy from it.
    const was = toScreen(moved, MITTE);
    expect(was.x).toBeCloseTo(195 + dx, 6);
    expect(was.y).toBeCloseTo(146 + dy, 6);
    expect(near({ ...view, ...panBy(moved, -dx, -dy) }.center, MITTE, 1e-9)).toBe(true);
  });

  it('a drag to the right shows more of the west', () => {
    expect(panBy(phone(), 100, 0).center.lng).toBeLessThan(MITTE.lng);
    expect(panBy(phone(), 0, 100).center.lat).toBeGreaterThan(MITTE.lat);
  });

  test.prop([zoom, zoom, pixel])('zooming keeps the point under the pointer', (z0, z1, px) => {
    const view = phone({ zoom: z0 });
    const under = fromScreen(view, px.x, px.y);
    const zoomed = { ...view, ...zoomAround(view, z1, px.x, px.y) };
    expect(zoomed.zoom).toBe(z1);
    const at = toScreen(zoomed, under);
    expect(at.x).toBeCloseTo(px.x, 5);
    expect(at.y).toBeCloseTo(px.y, 5);
  });

  it('zooms no further than its limits', () => {
    expect(zoomAround(phone(), 30, 0, 0).zoom).toBe(MAX_ZOOM);
    expect(zoomAround(phone(), 2, 0, 0).zoom).toBe(MIN_ZOOM);
  });
});

describe('fitting points', () => {
  it('shows one point at its street, in the middle', () => {
    const c = fitCamera([MITTE], 390, 292);
    expect(c).toEqual({
      center: { lat: expect.closeTo(MITTE.lat, 9), lng: expect.closeTo(MITTE.lng, 9) },
      zoom: FIT_MAX_ZOOM,
    });
  });

  test.prop([
    fc.array(
      fc.record({
        lat: fc.double({ min: 52.45, max: 52.58, noNaN: true }),
        lng: fc.double({ min: 13.3, max: 13.5, noNaN: true }),
      }),
      { minLength: 2, maxLength: 6 },
    ),
  ])('keeps every point inside the box, with room to spare when the zoom allows', (points) => {
    const view = { ...fitCamera(points, 390, 292, 32), width: 390, height: 292 };
    for (const p of points) {
      const at = toScreen(view, p);
      const pad = view.zoom > MIN_ZOOM ? 32 - 1e-6 : -Infinity;
      if (pad === -Infinity) continue;
      expect(at.x).toBeGreaterThanOrEqual(pad);
      expect(at.x).toBeLessThanOrEqual(390 - pad);
      expect(at.y).toBeGreaterThanOrEqual(pad);
      expect(at.y).toBeLessThanOrEqual(292 - pad);
    }
  });

  it('a store and a door 1.5 km apart fit at a street zoom', () => {
    const door = { lat: MITTE.lat + 0.0135, lng: MITTE.lng };
    const c = fitCamera([MITTE, door], 390, 292);
    expect(c.zoom).toBeGreaterThan(MIN_ZOOM);
    expect(c.zoom).toBeLessThan(FIT_MAX_ZOOM);
    expect(c.center.lat).toBeCloseTo((MITTE.lat + door.lat) / 2, 3);
  });
});

describe('the tiles the data is fetched by', () => {
  it('are few and cover the view, whatever the zoom', () => {
    for (let z = MIN_ZOOM; z <= MAX_ZOOM; z += 0.5) {
      const view = phone({ zoom: z });
      const box = viewBbox(view);
      const tiles = tilesFor(box, dataZoom(z));
      expect(tiles.length).toBeGreaterThan(0);
      expect(tiles.length).toBeLessThanOrEqual(9);
      const boxes = tiles.map(tileBbox);
      expect(Math.min(...boxes.map((b) => b.west))).toBeLessThanOrEqual(box.west);
      expect(Math.max(...boxes.map((b) => b.east))).toBeGreaterThanOrEqual(box.east);
      expect(Math.min(...boxes.map((b) => b.south))).toBeLessThanOrEqual(box.south);
      expect(Math.max(...boxes.map((b) => b.north))).toBeGreaterThanOrEqual(box.north);
    }
  });

  test.prop([lat, lng, fc.constantFrom(13, 14)])(
    'each is well under the 10 km the API allows a box, and holds its own corner',
    (la, ln, z) => {
      const [tile] = tilesFor({ west: ln, east: ln, south: la, north: la }, z);
      expect(tile).toBeDefined();
      if (!tile) return;
      const b = tileBbox(tile);
      expect(bboxSpan(b)).toBeLessThan(5_000);
      // Within a rounding error on an edge.
      expect(b.west).toBeLessThanOrEqual(ln + 1e-9);
      expect(b.east).toBeGreaterThanOrEqual(ln - 1e-9);
      expect(b.south).toBeLessThanOrEqual(la + 1e-9);
      expect(b.north).toBeGreaterThanOrEqual(la - 1e-9);
    },
  );

  test.prop([lat, lng])('of zoom 12 (the zones’) are under 10 km a side too', (la, ln) => {
    const [tile] = tilesFor({ west: ln, east: ln, south: la, north: la }, 12);
    expect(tile && bboxSpan(tileBbox(tile))).toBeLessThan(10_000);
  });

  it('are numbered as map tiles are: x east, y south', () => {
    expect(tilesFor({ west: 13.4, east: 13.4, south: 52.52, north: 52.52 }, 14)).toEqual([
      { z: 14, x: 8801, y: 5373 },
    ]);
    const two = tilesFor(tileBbox({ z: 14, x: 8801, y: 5373 }), 14);
    // A tile's box touches its neighbours' edges: it asks for itself and them, never more.
    expect(two.length).toBeLessThanOrEqual(4);
    expect(two).toContainEqual({ z: 14, x: 8801, y: 5373 });
  });

  it('are asked for as west,south,east,north', () => {
    expect(bboxParam({ west: 13.4, south: 52.5, east: 13.41, north: 52.51 })).toBe(
      '13.400000,52.500000,13.410000,52.510000',
    );
  });
});

describe('drawing', () => {
  it('projects near the origin in small numbers and places them where the view shows them', () => {
    const origin = { lat: 52.5, lng: 13.4 };
    const project = localProjection(origin, 16);
    expect(project(origin)).toEqual({ x: 0, y: 0 });
    const p = { lat: 52.51, lng: 13.41 };
    const local = project(p);
    expect(Math.abs(local.x)).toBeLessThan(3_000);
    for (const z of [13, 15.5, 18]) {
      const view = phone({ zoom: z, center: { lat: 52.505, lng: 13.403 } });
      const t = layerTransform(view, origin, 16);
      const screen = toScreen(view, p);
      expect(t.x + local.x * t.k).toBeCloseTo(screen.x, 6);
      expect(t.y + local.y * t.k).toBeCloseTo(screen.y, 6);
    }
  });
});
