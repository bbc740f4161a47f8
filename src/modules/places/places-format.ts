import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/**
 * The street data format lastmile reads and the generator writes: a GeoJSON FeatureCollection
 * (RFC 7946, coordinates `[lng, lat]` in WGS 84) with OSM-like properties, so an extract of a
 * real city converts into it with a few lines of mapping:
 *
 * - a street: `LineString` with `{ name, class }` (`arterial` for main roads, else `street`);
 * - an address: `Point` with `{ street, housenumber, postcode }` (OSM `addr:*`).
 *
 * A long street may come as several LineStrings of the same name; they join where they share a
 * coordinate. Other properties are ignored.
 */

export const STREET_CLASSES = ['arterial', 'street'] as const;
export type StreetClass = (typeof STREET_CLASSES)[number];

const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Position = Type.Tuple([Lng, Lat], { description: '[lng, lat]' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });

export const StreetFeatureFormat = Type.Object({
  type: Type.Literal('Feature'),
  properties: Type.Object({
    name: Text(200),
    class: Type.Union(STREET_CLASSES.map((c) => Type.Literal(c))),
  }),
  geometry: Type.Object({
    type: Type.Literal('LineString'),
    coordinates: Type.Array(Position, { minItems: 2, maxItems: 10_000 }),
  }),
});

export const AddressFeatureFormat = Type.Object({
  type: Type.Literal('Feature'),
  properties: Type.Object({
    street: Text(200),
    housenumber: Type.String({
      minLength: 1,
      maxLength: 20,
      pattern: '^[0-9A-Za-z][0-9A-Za-z /-]*$',
    }),
    postcode: Type.String({ minLength: 1, maxLength: 16, pattern: '^[0-9A-Za-z][0-9A-Za-z -]*$' }),
  }),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Position }),
});

/** The whole document. */
export const PlaceDocumentFormat = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(Type.Union([StreetFeatureFormat, AddressFeatureFormat])),
});

export type StreetFeatureData = Static<typeof StreetFeatureFormat>;
export type AddressFeatureData = Static<typeof AddressFeatureFormat>;

/** One street as loaded: the feature's fields. */
export interface StreetInput {
  name: string;
  class: StreetClass;
  coordinates: Array<[number, number]>;
}

/** One address as loaded. */
export interface AddressInput {
  street: string;
  housenumber: string;
  postcode: string;
  lat: number;
  lng: number;
}

export interface FeatureProblem {
  /** Index of the feature in `features`; -1 for the document itself. */
  index: number;
  message: string;
}

const streetCheck = TypeCompiler.Compile(StreetFeatureFormat);
const addressCheck = TypeCompiler.Compile(AddressFeatureFormat);

function firstError(check: typeof streetCheck | typeof addressCheck, f: unknown): string {
  const e = check.Errors(f).First();
  return e ? `${e.path || '/'}: ${e.message}` : 'invalid feature';
}

/** What is wrong with one feature, or its data. */
function readFeature(
  f: unknown,
): { street: StreetInput } | { address: AddressInput } | { problem: string } {
  const geometry = (f as { geometry?: { type?: unknown } } | null)?.geometry?.type;
  if (geometry === 'LineString') {
    if (!streetCheck.Check(f)) return { problem: `street: ${firstError(streetCheck, f)}` };
    const s = f as StreetFeatureData;
    return {
      street: {
        name: s.properties.name.trim(),
        class: s.properties.class,
        coordinates: s.geometry.coordinates.map(([lng, lat]) => [lng, lat]),
      },
    };
  }
  if (geometry === 'Point') {
    if (!addressCheck.Check(f)) return { problem: `address: ${firstError(addressCheck, f)}` };
    const a = f as AddressFeatureData;
    const [lng, lat] = a.geometry.coordinates;
    return {
      address: {
        street: a.properties.street.trim(),
        housenumber: a.properties.housenumber.trim(),
        postcode: a.properties.postcode.trim(),
        lat,
        lng,
      },
    };
  }
  return { problem: '/geometry/type: a LineString (street) or a Point (address)' };
}

/**
 * Reads a whole document: every street and address, or every problem (each with its feature's
 * index), never a part of both.
 */
export function readPlaceDocument(
  doc: unknown,
  maxProblems = 100,
):
  | { ok: true; streets: StreetInput[]; addresses: AddressInput[] }
  | { ok: false; problems: FeatureProblem[]; problemCount: number } {
  const d = doc as { type?: unknown; features?: unknown } | null;
  if (d?.type !== 'FeatureCollection' || !Array.isArray(d.features))
    return {
      ok: false,
      problems: [{ index: -1, message: 'not a GeoJSON FeatureCollection with `features`' }],
      problemCount: 1,
    };
  const streets: StreetInput[] = [];
  const addresses: AddressInput[] = [];
  const problems: FeatureProblem[] = [];
  let problemCount = 0;
  d.features.forEach((f: unknown, index) => {
    const r = readFeature(f);
    if ('problem' in r) {
      problemCount++;
      if (problems.length < maxProblems) problems.push({ index, message: r.problem });
    } else if ('street' in r) streets.push(r.street);
    else addresses.push(r.address);
  });
  if (problemCount > 0) return { ok: false, problems, problemCount };
  return { ok: true, streets, addresses };
}
