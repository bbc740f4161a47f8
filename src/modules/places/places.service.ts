import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { Bbox } from '../../platform/geo/bbox.ts';
import { haversineMeters } from '../../platform/geo/haversine.ts';
import { parsePlaceQuery } from './place-text.ts';
import { type FeatureProblem, readPlaceDocument } from './places-format.ts';
import { type CityEntry, placeCitiesRepository } from './place-cities.repository.ts';
import { addressRow, type PlaceCity, streetRow } from './places-rows.ts';
import {
  type AddressHit,
  type PlacesRepository,
  placesRepository,
  type StreetMatch,
} from './places.repository.ts';
import { type StreetCollectionBody, segmentMeetsBox } from './street-map.ts';

export interface SearchInput {
  q: string;
  lat?: number;
  lng?: number;
  limit: number;
}

export interface PlaceView {
  id: string;
  label: string;
  street: string;
  housenumber: string;
  postcode: string;
  city: string;
  lat: number;
  lng: number;
}

/** A city lastmile has street data for, as `GET /v1/places/cities` lists it. */
export interface CityView {
  key: string;
  name: string;
  center: { lat: number; lng: number };
  bbox: Bbox;
  streets: number;
  addresses: number;
  stores: number;
}

/** What the places module asks of others: how many stores stand in each box (the catalog's). */
export interface PlacesDeps {
  storesIn: (boxes: readonly Bbox[]) => Promise<number[]>;
}

/** Reverse geocoding answers with an address at most this far from the point. */
export const REVERSE_RADIUS_M = 200;
/** The most street features one map answer carries. */
export const MAX_STREET_FEATURES = 5000;
/** Street names weaker than this (0..1) are not offered. */
const MIN_STREET_SCORE = 0.3;
/** Streets this far below the best match are left out. */
const STREET_SCORE_SPREAD = 0.35;
const STREETS_CONSIDERED = 10;

export type ImportReport =
  | { ok: true; city: string; streets: number; addresses: number; unsearchable: number }
  | { ok: false; city: string; problems: FeatureProblem[]; problemCount: number };

const view = (a: AddressHit): PlaceView => ({
  id: a.id,
  label: a.label,
  street: a.street,
  housenumber: a.housenumber,
  postcode: a.postcode,
  city: a.city_name,
  lat: a.lat,
  lng: a.lng,
});

/** How well a street name matches the typed street: whole, typed as its beginning, or pasted whole. */
const scoreOf = (m: StreetMatch) =>
  Math.max(m.similarity, m.typed_in_name * 0.95, m.name_in_typed * 0.9);

/** The best street names for the text: at most STREETS_CONSIDERED, none far below the best. */
function bestStreets(matches: StreetMatch[]): Map<string, number> {
  const scored = matches
    .map((m) => ({ key: `${m.city}|${m.name_key}`, score: scoreOf(m) }))
    .filter((m) => m.score >= MIN_STREET_SCORE)
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
  const best = scored[0]?.score ?? 0;
  return new Map(
    scored
      .filter((m) => m.score >= best - STREET_SCORE_SPREAD)
      .slice(0, STREETS_CONSIDERED)
      .map((m) => [m.key, m.score]),
  );
}

/**
 * Addresses for typed text. Order: the exact house number first, then its variants (12a) and
 * the numbers it begins (120…), then a matching postcode, then how well the street matched
 * (two decimals, so near-equal names tie), then distance from lat/lng, then the number.
 */
async function searchPlaces(repo: PlacesRepository, p: SearchInput) {
  const query = parsePlaceQuery(p.q);
  if (query.street.length < 2) return { items: [] };
  const streets = bestStreets(await repo.streetMatches(query.street, 200));
  if (streets.size === 0) return { items: [] };
  const keys = [...streets.keys()].map((k) => {
    const [city, key] = k.split('|') as [string, string];
    return { city, key };
  });
  const hits = query.housenumber
    ? await repo.withNumber(keys, query.housenumber, 200)
    : await repo.firstOfEach(keys);
  const n = Number(/^\d+/.exec(query.housenumber ?? '')?.[0] ?? -1);
  const rankOf = (a: AddressHit) => {
    const numberRank = !query.housenumber
      ? 0
      : a.housenumber.toLowerCase() === query.housenumber
        ? 0
        : a.number_order === n
          ? 1
          : 2;
    const score = streets.get(`${a.city}|${a.street_key}`) ?? 0;
    const distance =
      p.lat !== undefined && p.lng !== undefined ? haversineMeters(p.lat, p.lng, a.lat, a.lng) : 0;
    const postcodeMiss = query.postcode && a.postcode !== query.postcode ? 1 : 0;
    return [numberRank, postcodeMiss, -Math.round(score * 100), distance, a.number_order];
  };
  const ranked = hits.map((a) => ({ a, rank: rankOf(a) }));
  ranked.sort((x, y) => {
    for (let i = 0; i < x.rank.length; i++) {
      const d = (x.rank[i] as number) - (y.rank[i] as number);
      if (d !== 0) return d;
    }
    return x.a.label.localeCompare(y.a.label) || x.a.id.localeCompare(y.a.id);
  });
  return { items: ranked.slice(0, p.limit).map((r) => view(r.a)) };
}

/** Degrees to six decimals (about 10 cm): the summary's means and extremes, as sent. */
const deg = (v: number) => Math.round(v * 1e6) / 1e6;

const entryOf = (city: PlaceCity): CityEntry => ({
  key: city.key,
  name: city.name,
  center: city.center ?? null,
});

/** The cities with street data, by name, each with the stores inside its box. */
async function listCities(db: Db, deps: PlacesDeps): Promise<CityView[]> {
  const rows = await placeCitiesRepository(db).list();
  const boxes = rows.map((r) => ({ west: r.west, south: r.south, east: r.east, north: r.north }));
  const stores = await deps.storesIn(boxes);
  return rows.map((r, i) => ({
    key: r.city,
    name: r.name,
    center: { lat: deg(r.center_lat), lng: deg(r.center_lng) },
    bbox: { west: deg(r.west), south: deg(r.south), east: deg(r.east), north: deg(r.north) },
    streets: r.streets,
    addresses: r.addresses,
    stores: stores[i] ?? 0,
  }));
}

export function placesService(db: Db, deps: PlacesDeps) {
  const repo = placesRepository(db);
  return {
    search: (p: SearchInput) => searchPlaces(repo, p),

    /** The address nearest the point within REVERSE_RADIUS_M, else NO_ADDRESS_NEAR. */
    async reverse(lat: number, lng: number): Promise<PlaceView> {
      const dLat = REVERSE_RADIUS_M / 111_195;
      const dLng = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
      const box = {
        west: Math.max(-180, lng - dLng),
        east: Math.min(180, lng + dLng),
        south: Math.max(-90, lat - dLat),
        north: Math.min(90, lat + dLat),
      };
      const hit = await repo.nearestIn(box, lat, lng);
      if (!hit || haversineMeters(lat, lng, hit.lat, hit.lng) > REVERSE_RADIUS_M)
        throw new AppError(
          'NO_ADDRESS_NEAR',
          `No known address within ${REVERSE_RADIUS_M} m of ${lat}, ${lng}`,
        );
      return view(hit);
    },

    /** The streets crossing the box as GeoJSON, arterials first, at most MAX_STREET_FEATURES. */
    async streets(box: Bbox): Promise<StreetCollectionBody> {
      const rows = await repo.streetsIn(box, MAX_STREET_FEATURES);
      return {
        type: 'FeatureCollection',
        features: rows
          .filter((r) =>
            r.coordinates.some(
              (p, i) => i > 0 && segmentMeetsBox(r.coordinates[i - 1] as [number, number], p, box),
            ),
          )
          .map((r) => ({
            type: 'Feature',
            properties: { name: r.name, class: r.class },
            geometry: { type: 'LineString', coordinates: r.coordinates },
          })),
      };
    },

    /** Rows the city has, and whether they were imported. */
    cityRows: (city: string) => repo.cityRows(city),

    /** The cities lastmile has streets or addresses for, by name, with their stores. */
    cities: () => listCities(db, deps),

    /**
     * Writes the city's name, centre and summary from the rows it has now: after rows were added
     * outside an import (the seed's COPY). An import does it in its own transaction.
     */
    cityLoaded: (city: PlaceCity) => placeCitiesRepository(db).refresh(entryOf(city)),

    /**
     * Replaces a city's streets and addresses with a document in the format (places-format.ts):
     * every feature is checked first, and one bad feature imports nothing.
     */
    async importCity(city: PlaceCity, doc: unknown): Promise<ImportReport> {
      const read = readPlaceDocument(doc);
      if (!read.ok)
        return {
          ok: false,
          city: city.key,
          problems: read.problems,
          problemCount: read.problemCount,
        };
      const streets = read.streets.map((s) => streetRow(city, s, uuidv7(), 'imported'));
      const addresses = read.addresses.map((a) => addressRow(city, a, uuidv7(), 'imported'));
      await repo.replaceCity(entryOf(city), streets, addresses);
      const named = new Set(streets.map((s) => s.name_key));
      return {
        ok: true,
        city: city.key,
        streets: streets.length,
        addresses: addresses.length,
        unsearchable: addresses.filter((a) => !named.has(a.street_key)).length,
      };
    },
  };
}

export type PlacesService = ReturnType<typeof placesService>;
