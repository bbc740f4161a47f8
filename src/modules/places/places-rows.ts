import { houseNumberOrder, placeKey } from './place-text.ts';
import type { AddressInput, StreetClass, StreetInput } from './places-format.ts';

/**
 * The rows of `place_streets` and `place_addresses` made from the format's features: one
 * definition for the import and for the generated seed (which loads them with COPY).
 */

/** How a city writes an address: `Torstraße 12, 10119 Berlin` or `12 Baker Street, London NW1 6XE`. */
export type AddressStyle = 'de' | 'en';

export interface PlaceCity {
  /** The key data is kept under (`berlin`). */
  key: string;
  /** The name shown in labels (`Berlin`). */
  name: string;
  style: AddressStyle;
  /** Where the city's map opens (a known city's centre); without one, its addresses' mean. */
  center?: { lat: number; lng: number };
}

export type PlaceSource = 'generated' | 'imported';

export interface StreetRow {
  id: string;
  city: string;
  name: string;
  name_key: string;
  class: StreetClass;
  /** JSON text of `[[lng, lat], …]`. */
  coordinates: string;
  /** Postgres box text: `(east,north),(west,south)`. */
  bounds: string;
  source: PlaceSource;
}

export interface AddressRow {
  id: string;
  city: string;
  city_name: string;
  street: string;
  street_key: string;
  housenumber: string;
  number_order: number;
  postcode: string;
  label: string;
  lat: number;
  lng: number;
  source: PlaceSource;
}

export const STREET_COLUMNS = [
  'id',
  'city',
  'name',
  'name_key',
  'class',
  'coordinates',
  'bounds',
  'source',
] as const;
export const ADDRESS_COLUMNS = [
  'id',
  'city',
  'city_name',
  'street',
  'street_key',
  'housenumber',
  'number_order',
  'postcode',
  'label',
  'lat',
  'lng',
  'source',
] as const;

export function placeLabel(
  city: Pick<PlaceCity, 'name' | 'style'>,
  a: Pick<AddressInput, 'street' | 'housenumber' | 'postcode'>,
): string {
  return city.style === 'de'
    ? `${a.street} ${a.housenumber}, ${a.postcode} ${city.name}`
    : `${a.housenumber} ${a.street}, ${city.name} ${a.postcode}`;
}

export function streetRow(
  city: PlaceCity,
  s: StreetInput,
  id: string,
  source: PlaceSource,
): StreetRow {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lng, lat] of s.coordinates) {
    west = Math.min(west, lng);
    east = Math.max(east, lng);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return {
    id,
    city: city.key,
    name: s.name,
    name_key: placeKey(s.name),
    class: s.class,
    coordinates: JSON.stringify(s.coordinates),
    bounds: `(${east},${north}),(${west},${south})`,
    source,
  };
}

export function addressRow(
  city: PlaceCity,
  a: AddressInput,
  id: string,
  source: PlaceSource,
): AddressRow {
  return {
    id,
    city: city.key,
    city_name: city.name,
    street: a.street,
    street_key: placeKey(a.street),
    housenumber: a.housenumber,
    number_order: houseNumberOrder(a.housenumber),
    postcode: a.postcode,
    label: placeLabel(city, a),
    lat: a.lat,
    lng: a.lng,
    source,
  };
}
