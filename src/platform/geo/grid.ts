import { EARTH_RADIUS_M } from './haversine.ts';

export const RAD = Math.PI / 180;
/** Cell keys are `row * COL_SPAN + col`; the finest sensible grid has far fewer columns than this. */
const COL_SPAN = 2 ** 24;

/**
 * A uniform grid of ~square cells over the globe. Rows are `cellDeg` high; each row is split into
 * a whole number of columns (fewer towards the poles), so cells stay roughly square and a row
 * wraps cleanly at ±180°.
 */
export interface Grid {
  cellDeg: number;
  rows: number;
  colsByRow: Int32Array;
}

/** A cell a search may need, with a lower bound on the haversine term `a` of any point in it. */
export interface Probe {
  key: number;
  minA: number;
}

export function createGrid(cellDeg: number): Grid {
  if (!(cellDeg > 0 && cellDeg <= 10))
    throw new RangeError(`cellDeg must be in (0, 10], got ${cellDeg}`);
  const rows = Math.ceil(180 / cellDeg);
  const colsByRow = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const midLat = Math.min(90, -90 + (row + 0.5) * cellDeg);
    colsByRow[row] = Math.max(1, Math.floor((360 * Math.cos(midLat * RAD)) / cellDeg));
  }
  return { cellDeg, rows, colsByRow };
}

const rowOf = (g: Grid, lat: number): number =>
  Math.min(g.rows - 1, Math.floor((lat + 90) / g.cellDeg));

export function cellOf(g: Grid, lat: number, lng: number): number {
  const row = rowOf(g, lat);
  const cols = g.colsByRow[row] ?? 1;
  // lng = +180 is the same meridian as -180: wrap it into column 0.
  return row * COL_SPAN + (Math.floor(((lng + 180) / 360) * cols) % cols);
}

export const sinSq = (angle: number): number => {
  const s = Math.sin(angle / 2);
  return s * s;
};

/**
 * Cells that may hold a point within `maxA` of the centre, sorted by their lower bound, or null
 * when there would be more than `maxCells` of them (scanning every point is cheaper then).
 *
 * The bound: a = sin²(Δφ/2) + cosφ₁·cosφ₂·sin²(Δλ/2) ≥ sin²(gapφ/2) + cosφ₁·min(cosφ₂)·sin²(gapλ/2),
 * where the gaps are the angular distances from the centre to the cell's lat and lng ranges.
 */
export function probes(
  g: Grid,
  centre: { lat: number; lng: number; radiusM: number; maxA: number },
  maxCells: number,
): Probe[] | null {
  const { lat, radiusM } = centre;
  const angular = radiusM / EARTH_RADIUS_M;
  const dLat = angular / RAD;
  // Longitude half-width of the circle's bounding box; a pole inside the circle means all of it.
  const sinRatio = Math.sin(angular) / Math.cos(lat * RAD);
  const allLng = lat - dLat <= -90 || lat + dLat >= 90 || angular >= Math.PI / 2 || sinRatio >= 1;
  const span = {
    dLng: allLng ? 180 : Math.asin(sinRatio) / RAD,
    allLng,
    firstRow: rowOf(g, Math.max(-90, lat - dLat - SLACK)),
    lastRow: rowOf(g, Math.min(90, lat + dLat + SLACK)),
  };
  let total = 0;
  for (let row = span.firstRow; row <= span.lastRow; row++) {
    const cols = g.colsByRow[row] ?? 1;
    total += allLng ? cols : Math.min(cols, Math.ceil(((2 * span.dLng) / 360) * cols) + 2);
    if (total > maxCells) return null;
  }
  const out: Probe[] = [];
  for (let row = span.firstRow; row <= span.lastRow; row++) probeRow(g, centre, span, row, out);
  out.sort((x, y) => x.minA - y.minA);
  return out;
}

/** Degrees, against rounding at cell edges; the exact test runs per point. */
const SLACK = 1e-9;

function probeRow(
  g: Grid,
  c: { lat: number; lng: number; maxA: number },
  span: { dLng: number; allLng: boolean },
  row: number,
  out: Probe[],
): void {
  const cols = g.colsByRow[row] ?? 1;
  const latLo = -90 + row * g.cellDeg;
  const latHi = Math.min(90, latLo + g.cellDeg);
  const gapLat = c.lat < latLo ? latLo - c.lat : c.lat > latHi ? c.lat - latHi : 0;
  const rowA = sinSq(gapLat * RAD);
  if (rowA > c.maxA) return;
  const cosQ = Math.cos(c.lat * RAD);
  const cosRow = Math.max(0, Math.min(Math.cos(latLo * RAD), Math.cos(latHi * RAD)));
  let from = 0;
  let count = cols;
  if (!span.allLng) {
    const a = Math.floor(((c.lng - span.dLng - SLACK + 180) / 360) * cols);
    const b = Math.floor(((c.lng + span.dLng + SLACK + 180) / 360) * cols);
    count = Math.min(cols, b - a + 1);
    from = ((a % cols) + cols) % cols;
  }
  const width = 360 / cols;
  for (let i = 0; i < count; i++) {
    const col = (from + i) % cols;
    // Angular gap from the centre to the column, the short way round the globe.
    const mid = -180 + (col + 0.5) * width;
    const gapLng = Math.max(0, Math.abs(((((c.lng - mid) % 360) + 540) % 360) - 180) - width / 2);
    // Shave the bound a little so floating-point rounding can never drop a cell that matters.
    const minA = (rowA + cosQ * cosRow * sinSq(gapLng * RAD)) * (1 - 1e-9);
    if (minA <= c.maxA) out.push({ key: row * COL_SPAN + col, minA });
  }
}
