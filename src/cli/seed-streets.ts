import { createHash } from 'node:crypto';
import type { City } from './seed-cities.ts';
import {
  type Grid,
  gridOf,
  type Section,
  sectionKey,
  sectionNodes,
  type UV,
} from './seed-street-grid.ts';
import { linesIn, type Naming, namingOf } from './seed-street-naming.ts';
import { hash3 } from './seed-random.ts';

/**
 * A city's generated streets and addresses (pure, deterministic from seed + city, like the
 * catalog generator). The grid is in seed-street-grid.ts; here the sections get names, house
 * numbers and postcodes, and a region (discs around the demo's stores or the city's districts)
 * picks the streets to load: every street with a node inside it, whole. Two regions of one city
 * therefore share the streets they overlap on, with the same ids, and loading both adds each once.
 *
 * House numbers run along a street from its end nearer the centre, odd on the left and even on
 * the right, one every 20–30 m (a street's own spacing), none within a few metres of a corner.
 * Postcodes are per 2 km square, counted outwards from the centre.
 */

export interface StreetSpec {
  seed: number;
  city: City;
}

/** A city's street network is the same whatever catalog seed is loaded beside it. */
export const CITY_STREETS_SEED = 0;
export const streetsOf = (city: City): StreetSpec => ({ seed: CITY_STREETS_SEED, city });

/** A circle a region is made of. */
export interface Disc {
  lat: number;
  lng: number;
  radiusM: number;
}

export interface GeneratedStreet {
  id: string;
  name: string;
  class: 'arterial' | 'street';
  /** `[lng, lat]` in numbering order. */
  coordinates: Array<[number, number]>;
}

export interface GeneratedAddress {
  id: string;
  street: string;
  housenumber: string;
  postcode: string;
  lat: number;
  lng: number;
}

export interface StreetNetwork {
  streets: GeneratedStreet[];
  addresses: GeneratedAddress[];
}

const SIDE_OFFSET_M = 12;
const CORNER_CLEAR_M = 9;

const round7 = (n: number) => Math.round(n * 1e7) / 1e7;

function uuidFrom(text: string): Buffer {
  const b = createHash('sha256').update(text).digest().subarray(0, 16);
  b[6] = 0x80 | ((b[6] ?? 0) & 0x0f);
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
  return b;
}
const hex = (b: Buffer) => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** One section as a street and its addresses. */
function streetOf(g: Grid, naming: Naming, s: Section, out: StreetNetwork): void {
  const key = sectionKey(s);
  const streetId = hex(uuidFrom(`lastmile-streets:${g.ns}:${key}`));
  const name = naming.nameOf(s);
  const nodes = sectionNodes(g, s);
  out.streets.push({
    id: streetId,
    name,
    class: s.arterial ? 'arterial' : 'street',
    coordinates: nodes.map((p) => {
      const { lat, lng } = g.toLatLng(p);
      return [round7(lng), round7(lat)];
    }),
  });
  const at = [0];
  for (let i = 1; i < nodes.length; i++)
    at.push((at[i - 1] as number) + Math.hypot(...sub(nodes[i] as UV, nodes[i - 1] as UV)));
  const total = at.at(-1) as number;
  const spacing = 20 + 10 * hash3(g.ns, 90 + s.axis, s.line * 7919 + Math.min(s.from, s.to));
  for (let k = 0, d = spacing / 2; d < total - CORNER_CLEAR_M; k++, d += spacing) {
    if (at.some((c) => Math.abs(c - d) < CORNER_CLEAR_M)) continue;
    const i = Math.max(
      1,
      at.findIndex((c) => c >= d),
    );
    const [a, b] = [nodes[i - 1] as UV, nodes[i] as UV];
    const len = (at[i] as number) - (at[i - 1] as number);
    const f = (d - (at[i - 1] as number)) / len;
    const [tu, tv] = [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
    const on: UV = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
    for (const side of [1, -1]) {
      const p: UV = [on[0] - tv * side * SIDE_OFFSET_M, on[1] + tu * side * SIDE_OFFSET_M];
      const number = side === 1 ? 2 * k + 1 : 2 * k + 2;
      const { lat, lng } = g.toLatLng(p);
      out.addresses.push({
        // The street's id with its last 4 bytes replaced by the number: unique, and still UUIDv8.
        id: `${streetId.slice(0, 28)}${number.toString(16).padStart(8, '0')}`,
        street: name,
        housenumber: String(number),
        postcode: naming.postcodeAt(p),
        lat: round7(lat),
        lng: round7(lng),
      });
    }
  }
}

const sub = (a: UV, b: UV): UV => [a[0] - b[0], a[1] - b[1]];

/** The streets with a node inside the region, and their addresses, in a fixed order. */
export function streetNetwork(spec: StreetSpec, region: readonly Disc[]): StreetNetwork {
  const g = gridOf(spec.seed, spec.city);
  const naming = namingOf(g);
  const discs = region.map((d) => [...g.toUV(d.lat, d.lng), d.radiusM] as const);
  const inside = (p: UV) => discs.some(([u, v, r]) => Math.hypot(p[0] - u, p[1] - v) <= r);
  const out: StreetNetwork = { streets: [], addresses: [] };
  for (const axis of [0, 1] as const) {
    const lo = Math.min(...discs.map((d) => d[axis] - d[2]));
    const hi = Math.max(...discs.map((d) => d[axis] + d[2]));
    for (const line of linesIn(g, axis, lo, hi + 1))
      for (const s of g.sections(axis, line))
        if (sectionNodes(g, s).some(inside)) streetOf(g, naming, s, out);
  }
  return out;
}

/** At most this many addresses per city from the scale seed. */
export const MAX_CITY_ADDRESSES = 200_000;
const DISTRICT_FACTORS = [1.25, 1, 0.85, 0.7, 0.6, 0.5, 0.4];

/** The city's districts as discs of `factor` times their spread. */
export const districtRegion = (city: City, factor: number): Disc[] =>
  city.districts.map((d) => ({ lat: d.lat, lng: d.lng, radiusM: d.spreadM * factor }));

/**
 * The scale seed's streets of a city: its districts, as wide as the address bound allows
 * (discs of 1.25 × each district's spread, narrowed step by step until at most `maxAddresses`).
 */
export function cityStreetNetwork(
  spec: StreetSpec,
  maxAddresses = MAX_CITY_ADDRESSES,
): StreetNetwork & { factor: number } {
  let net: StreetNetwork = { streets: [], addresses: [] };
  let factor = 0;
  for (const f of DISTRICT_FACTORS) {
    factor = f;
    net = streetNetwork(spec, districtRegion(spec.city, f));
    if (net.addresses.length <= maxAddresses) break;
  }
  return { ...net, factor };
}

/** The network in the places format (a GeoJSON FeatureCollection: streets, then addresses). */
export function networkDocument(net: StreetNetwork) {
  return {
    type: 'FeatureCollection' as const,
    features: [
      ...net.streets.map((s) => ({
        type: 'Feature' as const,
        properties: { name: s.name, class: s.class },
        geometry: { type: 'LineString' as const, coordinates: s.coordinates },
      })),
      ...net.addresses.map((a) => ({
        type: 'Feature' as const,
        properties: { street: a.street, housenumber: a.housenumber, postcode: a.postcode },
        geometry: { type: 'Point' as const, coordinates: [a.lng, a.lat] as [number, number] },
      })),
    ],
  };
}
