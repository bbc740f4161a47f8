import { type DistrictRow, DISTRICT_ROWS } from './seed-districts.ts';

/**
 * Metro areas the generator can fill. Districts carry a weight (how many stores and customers
 * cluster there: the centre more) and a spread; stores and customer points are drawn around them,
 * so they land in neighbourhoods rather than in rivers and parks.
 */
export interface District {
  name: string;
  lat: number;
  lng: number;
  /** Relative share of stores and customers. */
  weight: number;
  /** Standard deviation of points around the district centre, metres. */
  spreadM: number;
  /** Shopping streets of the district, for store names and addresses. */
  streets: readonly string[];
}

export interface City {
  key: CityKey;
  name: string;
  /** The city centre: the demo's customer point and the bench's reference. */
  center: { lat: number; lng: number; label: string };
  timezone: string;
  currency: 'EUR' | 'GBP' | 'USD';
  /** Price level relative to the EUR list prices of the grocery data. */
  priceFactor: number;
  /** Zone radius grows from the centre outwards: dense centre, small zones. */
  metroRadiusM: number;
  /** Layout code inside seed ids (0–6; 7 is the demo city). */
  code: number;
  /** How its streets are named and its addresses written (seed-street-names.ts). */
  language: 'de' | 'en-GB' | 'en-US';
  districts: readonly District[];
}

export const CITY_KEYS = ['berlin', 'london', 'nyc', 'hamburg'] as const;
export type CityKey = (typeof CITY_KEYS)[number];

const districts = (rows: DistrictRow[]): District[] =>
  rows.map(([name, lat, lng, weight, km, streets]) => ({
    name,
    lat,
    lng,
    weight,
    spreadM: km * 1000,
    streets: streets.split('|'),
  }));

export const CITIES: Readonly<Record<CityKey, City>> = {
  berlin: {
    key: 'berlin',
    name: 'Berlin',
    center: { lat: 52.52, lng: 13.405, label: 'Berlin Mitte' },
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    priceFactor: 1,
    metroRadiusM: 22_000,
    code: 0,
    language: 'de',
    districts: districts(DISTRICT_ROWS.berlin),
  },
  london: {
    key: 'london',
    name: 'London',
    center: { lat: 51.5074, lng: -0.1278, label: 'Charing Cross' },
    timezone: 'Europe/London',
    currency: 'GBP',
    priceFactor: 0.9,
    metroRadiusM: 25_000,
    code: 1,
    language: 'en-GB',
    districts: districts(DISTRICT_ROWS.london),
  },
  nyc: {
    key: 'nyc',
    name: 'New York',
    center: { lat: 40.754, lng: -73.984, label: 'Midtown Manhattan' },
    timezone: 'America/New_York',
    currency: 'USD',
    priceFactor: 1.15,
    metroRadiusM: 25_000,
    code: 2,
    language: 'en-US',
    districts: districts(DISTRICT_ROWS.nyc),
  },
  // The simulator's city: away from the demo city, so its shoppers see only simulated stores.
  hamburg: {
    key: 'hamburg',
    name: 'Hamburg',
    center: { lat: 53.5511, lng: 9.9937, label: 'Rathausmarkt' },
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    priceFactor: 1,
    metroRadiusM: 15_000,
    code: 3,
    language: 'de',
    districts: districts(DISTRICT_ROWS.hamburg),
  },
};

export const DEMO_LAYOUT_CODE = 7;

export function cityByKey(key: string): City {
  if (!(CITY_KEYS as readonly string[]).includes(key))
    throw new Error(`unknown city "${key}"; known: ${CITY_KEYS.join(', ')}`);
  return CITIES[key as CityKey];
}
