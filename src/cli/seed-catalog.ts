import type { OpeningHours } from '../modules/catalog/index.ts';
import { type City, DEMO_LAYOUT_CODE, type District } from './seed-cities.ts';
import { AISLES, type Aisle, type Shelf } from './seed-groceries.ts';
import {
  gaussian,
  hash3,
  intBetween,
  pick,
  pickWeighted,
  type Rng,
  rngFor,
  seedUuidBytes,
} from './seed-random.ts';

/**
 * Pure generation of a realistic catalog: nothing here touches a database. Every row is a function
 * of (seed, city, serial), so generating 50 stores gives the first 50 of the 1,000 and a re-run
 * produces the very same ids and values.
 */
export interface SeedSpec {
  seed: number;
  city: City;
  /** The demo city: stores in a small cluster around the centre instead of the whole metro area. */
  demo?: boolean;
}

export const MAX_SEED = 1_000_000;
/** Serials of stores start here, products at 0: one id namespace per (seed, layout). */
const STORE_SERIAL_BASE = 0x800000;
export const MAX_SKUS = STORE_SERIAL_BASE;
export const MAX_STORES = 0x7fffff;

export function namespaceOf(spec: SeedSpec): number {
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > MAX_SEED)
    throw new RangeError(`seed must be an integer 0–${MAX_SEED}`);
  return spec.seed * 8 + (spec.demo ? DEMO_LAYOUT_CODE : spec.city.code);
}

export interface SeedProduct {
  id: Buffer;
  sku: string;
  name: string;
  brand: string;
  categoryId: string;
  categoryPath: [string, string];
  priceMinor: number;
  currency: string;
  weightG: number;
  ageRestricted: boolean;
  popularity: number;
}

const SHELVES: ReadonlyArray<{ aisle: Aisle; shelf: Shelf }> = AISLES.flatMap((aisle) =>
  aisle.shelves.map((shelf) => ({ aisle, shelf })),
);
const SHELF_SHARES = SHELVES.map((s) => s.shelf.share);
const HOUSE_BRAND = 'Everyday Basics';

/** Prices end in 9 like shop prices do: 1.29, 3.49, 12.99. */
const shopPrice = (cents: number): number =>
  cents < 100 ? Math.max(19, Math.round(cents / 10) * 10 - 1) : Math.round(cents / 10) * 10 - 1;

/**
 * Zipf-like demand: the product with serial i is the (i+1)-th most popular. Serials are not
 * grouped by category, so every aisle has its best-sellers and its long tail.
 */
export const popularityOf = (serial: number): number =>
  Math.round((10_000 / (serial + 1) ** 0.9) * 1000) / 1000;

export function productAt(spec: SeedSpec, serial: number): SeedProduct {
  const ns = namespaceOf(spec);
  const rng = rngFor(`product:${ns}:${serial}`);
  const { aisle, shelf } = pickWeighted(rng, SHELVES, SHELF_SHARES);
  const noun = pick(rng, shelf.nouns);
  let modifier = pick(rng, aisle.modifiers);
  if (modifier && noun.toLowerCase().includes(modifier.toLowerCase())) modifier = '';
  const size = pick(rng, shelf.sizes);
  const [lo, hi] = shelf.priceCents;
  // Log-uniform between the shelf's cheapest and dearest: many cheap items, a few premium ones.
  const listCents = lo * (hi / lo) ** rng();
  const [wlo, whi] = shelf.weightG;
  const shelfCode = shelf.id.replace(/-/g, '').slice(0, 4).toUpperCase();
  const prefix = `${spec.demo ? 'DEMO' : spec.city.key.slice(0, 3).toUpperCase()}${spec.seed}`;
  return {
    id: seedUuidBytes(ns, serial),
    sku: `${prefix}-${shelfCode}-${String(serial).padStart(6, '0')}`,
    name: `${modifier ? `${modifier} ` : ''}${noun} ${size}`,
    brand: rng() < 0.15 ? HOUSE_BRAND : pick(rng, aisle.brands),
    categoryId: shelf.id,
    categoryPath: [aisle.id, shelf.id],
    priceMinor: shopPrice(listCents * spec.city.priceFactor),
    currency: spec.city.currency,
    weightG: Math.round((wlo + (whi - wlo) * rng()) / 5) * 5,
    ageRestricted: shelf.ageRestricted === true,
    popularity: popularityOf(serial),
  };
}

export interface SeedStore {
  id: Buffer;
  serial: number;
  name: string;
  address: string;
  lat: number;
  lng: number;
  zoneRadiusM: number;
  timezone: string;
  openingHours: OpeningHours;
  avgPrepS: number;
}

const M_PER_DEG_LAT = 111_195;
const offset = (lat: number, lng: number, northM: number, eastM: number) => ({
  lat: lat + northM / M_PER_DEG_LAT,
  lng: lng + eastM / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)),
});
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const north = (a.lat - b.lat) * M_PER_DEG_LAT;
  const east = (a.lng - b.lng) * M_PER_DEG_LAT * Math.cos((b.lat * Math.PI) / 180);
  return Math.hypot(north, east);
}

function nearestDistrict(city: City, at: { lat: number; lng: number }): District {
  let best = city.districts[0] as District;
  for (const d of city.districts) if (distanceM(at, d) < distanceM(at, best)) best = d;
  return best;
}

/**
 * Where people (and so stores) are: most around a district (by weight, normally spread around its
 * centre), the rest anywhere in the metro area with a density falling off from the centre.
 */
export function pointInCity(city: City, rng: Rng): { lat: number; lng: number } {
  let p: { lat: number; lng: number };
  if (rng() < 0.45) {
    const r = city.metroRadiusM * rng() ** 0.75;
    const a = 2 * Math.PI * rng();
    p = offset(city.center.lat, city.center.lng, Math.sin(a) * r, Math.cos(a) * r);
  } else {
    const d = pickWeighted(
      rng,
      city.districts,
      city.districts.map((x) => x.weight),
    );
    p = offset(d.lat, d.lng, gaussian(rng) * d.spreadM * 1.5, gaussian(rng) * d.spreadM * 1.5);
  }
  return { lat: round6(p.lat), lng: round6(p.lng) };
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const everyDay = (open: string, close: string): OpeningHours =>
  Object.fromEntries(DAYS.map((d) => [d, [[open, close]]]));
const ALWAYS = everyDay('00:00', '24:00');
const LATE = everyDay('07:00', '24:00');
const SUNDAY_SHORT: OpeningHours = { ...LATE, sun: [['09:00', '22:00']] };

function hoursFor(rng: Rng): OpeningHours {
  const u = rng();
  if (u < 0.15) return ALWAYS;
  if (u < 0.85) return LATE;
  return SUNDAY_SHORT;
}

export function storeAt(spec: SeedSpec, serial: number): SeedStore {
  const ns = namespaceOf(spec);
  const { city } = spec;
  const rng = rngFor(`store:${ns}:${serial}`);
  let at: { lat: number; lng: number };
  let radius: number;
  let hours: OpeningHours;
  if (spec.demo) {
    // A sunflower spiral around the centre: store 0 in the middle, the others 1–4 km out, zones
    // overlapping so the centre sees every store. Every third store is open around the clock so
    // the demo shows stores at any hour.
    const angle = serial * 2.39996;
    const dist = serial === 0 ? 0 : 700 + 420 * serial;
    const p = offset(
      city.center.lat,
      city.center.lng,
      Math.sin(angle) * dist,
      Math.cos(angle) * dist,
    );
    at = { lat: round6(p.lat), lng: round6(p.lng) };
    radius = 3000 + Math.round((rng() * 1000) / 50) * 50;
    hours = serial % 3 === 0 ? ALWAYS : LATE;
  } else {
    at = pointInCity(city, rng);
    // Dense centre, small zones; sparse outskirts, wide ones (2.5–5 km).
    const out = Math.min(1, distanceM(at, city.center) / city.metroRadiusM);
    radius =
      Math.round(Math.min(5000, Math.max(2500, 2500 + 2500 * out + (rng() - 0.5) * 800)) / 50) * 50;
    hours = hoursFor(rng);
  }
  const district = nearestDistrict(city, at);
  const street = pick(rng, district.streets);
  return {
    id: seedUuidBytes(ns, STORE_SERIAL_BASE + serial),
    serial,
    name: `${district.name} · ${street}`,
    address: `${street} ${intBetween(rng, 1, 180)}, ${city.name}`,
    lat: at.lat,
    lng: at.lng,
    zoneRadiusM: radius,
    timezone: city.timezone,
    openingHours: hours,
    avgPrepS: intBetween(rng, 8, 20) * 30,
  };
}

/** The first and last product id of a catalog of `skus` products: one range in uuid order. */
export const productIdRange = (spec: SeedSpec, skus: number): [Buffer, Buffer] => [
  seedUuidBytes(namespaceOf(spec), 0),
  seedUuidBytes(namespaceOf(spec), skus - 1),
];
export const storeIdRange = (spec: SeedSpec, stores: number): [Buffer, Buffer] => [
  seedUuidBytes(namespaceOf(spec), STORE_SERIAL_BASE),
  seedUuidBytes(namespaceOf(spec), STORE_SERIAL_BASE + stores - 1),
];

/** Share of (store, product) pairs that are sold out. */
export const OUT_OF_STOCK_SHARE = 0.08;

/**
 * Units on hand for product `serial` in a store: 0 for ~8 % of pairs, otherwise uniform in
 * 1..2×mean where the mean follows demand (≈120 for the best-seller, ≈5 in the long tail).
 * `means` comes from `stockMeans`; one integer hash per row, no allocation.
 */
export function stockOnHand(
  ns: number,
  storeSerial: number,
  serial: number,
  means: Float64Array,
): number {
  const u = hash3(ns, storeSerial, serial);
  if (u < OUT_OF_STOCK_SHARE) return 0;
  const v = (u - OUT_OF_STOCK_SHARE) / (1 - OUT_OF_STOCK_SHARE);
  return 1 + Math.floor(v * 2 * (means[serial] ?? 1));
}

export function stockMeans(skus: number): Float64Array {
  const means = new Float64Array(skus);
  for (let i = 0; i < skus; i++) means[i] = 3 + 120 / Math.sqrt(1 + i / 20);
  return means;
}
