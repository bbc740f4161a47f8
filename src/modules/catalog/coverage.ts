import {
  cellToBoundary,
  cellToLatLng,
  getHexagonEdgeLengthAvg,
  gridDisk,
  latLngToCell,
  UNITS,
} from 'h3-js';
import { haversineMeters } from '../../platform/geo/haversine.ts';

/** H3 resolution of the coverage table: cells of ~0.74 km², edges of ~0.53 km. */
export const COVERAGE_RES = 8;
const EDGE_M = getHexagonEdgeLengthAvg(COVERAGE_RES, UNITS.m);
// A hexagon's farthest point from its centre is one edge length; add slack for distortion.
const CELL_REACH_M = EDGE_M * 1.25;

export type LatLng = [number, number];

export interface Zone {
  lat: number;
  lng: number;
  radiusM: number;
  polygon?: LatLng[] | null;
}

export const cellOf = (lat: number, lng: number): bigint =>
  BigInt(`0x${latLngToCell(lat, lng, COVERAGE_RES)}`);

/** Ray casting; the polygon is a list of [lat, lng] without repeating the first point. */
export function pointInPolygon(lat: number, lng: number, polygon: readonly LatLng[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [yi, xi] = polygon[i] as LatLng;
    const [yj, xj] = polygon[j] as LatLng;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The exact rule: within the radius of the store and, when the zone has a polygon, inside it. */
export function zoneCovers(zone: Zone, lat: number, lng: number): boolean {
  if (haversineMeters(zone.lat, zone.lng, lat, lng) > zone.radiusM) return false;
  return !zone.polygon || zone.polygon.length < 3 || pointInPolygon(lat, lng, zone.polygon);
}

/**
 * Every cell that may hold a covered point: a superset of the zone, so the index never hides a
 * store and the exact check (`zoneCovers`) decides. For a polygon, cells touching it by centre or
 * vertex, widened by one ring so an edge cutting a cell between its vertices still counts.
 */
export function coverageCells(zone: Zone): bigint[] {
  const center = latLngToCell(zone.lat, zone.lng, COVERAGE_RES);
  const k = Math.ceil(zone.radiusM / (EDGE_M * 1.5)) + 1;
  const inRadius = gridDisk(center, k).filter((c) => {
    const [clat, clng] = cellToLatLng(c);
    return haversineMeters(zone.lat, zone.lng, clat, clng) <= zone.radiusM + CELL_REACH_M;
  });
  const polygon = zone.polygon;
  if (!polygon || polygon.length < 3) return inRadius.map((c) => BigInt(`0x${c}`));
  const allowed = new Set(inRadius);
  const touching = inRadius.filter((c) => {
    const [clat, clng] = cellToLatLng(c);
    return (
      pointInPolygon(clat, clng, polygon) ||
      cellToBoundary(c).some(([a, b]) => pointInPolygon(a, b, polygon))
    );
  });
  for (const [plat, plng] of polygon) {
    const c = latLngToCell(plat, plng, COVERAGE_RES);
    if (allowed.has(c)) touching.push(c);
  }
  const out = new Set<string>();
  for (const c of touching) for (const n of gridDisk(c, 1)) if (allowed.has(n)) out.add(n);
  return [...out].map((c) => BigInt(`0x${c}`));
}
