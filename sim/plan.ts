import { gaussian, intBetween, pickWeighted, type Rng, rngFor } from '../src/cli/seed-random.ts';
import { haversineMeters } from '../src/platform/geo/haversine.ts';
import { driversFor, phasesOf, type SimConfig } from './config.ts';
import { type StreetGraph, streetRoute } from './street-graph.ts';
import { addressBook, simNetwork } from './streets.ts';

export interface LatLng {
  lat: number;
  lng: number;
}

export interface PlannedStore {
  index: number;
  name: string;
  at: LatLng;
  prepMeanS: number;
}

export interface PlannedProduct {
  sku: string;
  name: string;
  priceMinor: number;
  /** Relative popularity (Zipf-like): the first products sell most. */
  weight: number;
}

export type Card = 'tok_visa' | 'tok_decline' | 'tok_insufficient' | 'tok_slow' | 'tok_netfail';

/** One customer's visit: when, from where, what they want, and how they behave. */
export interface PlannedVisit {
  index: number;
  /** Seconds after the start of the run. */
  atS: number;
  phase: string;
  customer: number;
  /** A generated address of the simulated city (streets.ts), and how it is written. */
  home: LatLng;
  address: string;
  /** 0: the first store offered (soonest arrival); otherwise a random other one if there is one. */
  storeRank: number;
  /** Product picks as indexes into the catalog and quantities. */
  items: Array<{ product: number; quantity: number }>;
  card: Card;
  /** Sends the checkout a second time with the same Idempotency-Key (a client timeout). */
  retry: boolean;
  /** Cancels this many seconds after the order is authorized (if still before pickup). */
  cancelAfterS: number | null;
  /** Store-side decisions for the order this visit makes. */
  storeAcceptAfterS: number;
  storeRejects: boolean;
  missingItem: boolean;
  prepS: number;
  handoverS: number;
  /** After a declined card: pays with another card this many seconds later (null: gives up). */
  payAgainAfterS: number | null;
}

export interface PlannedDriver {
  index: number;
  vehicle: 'bike' | 'scooter' | 'car';
  start: LatLng;
  /** Probability of declining an offer, and seconds taken to answer. */
  declineShare: number;
  answerAfterS: [number, number];
  /** Seconds after the evening starts that the courier goes on shift (a fleet comes online over a minute, not in one instant). */
  onShiftAfterS: number;
}

export interface Plan {
  stores: PlannedStore[];
  products: PlannedProduct[];
  /** Stock per store × product; a few popular products are scarce so shoppers contend for them. */
  stock: number[][];
  visits: PlannedVisit[];
  drivers: PlannedDriver[];
  durationS: number;
}

const EARTH_M_PER_DEG = 111_320;

/** A point `distanceM` away from `from` in direction `bearing` (radians), flat-earth (city scale). */
export function offsetPoint(from: LatLng, distanceM: number, bearing: number): LatLng {
  const north = Math.cos(bearing) * distanceM;
  const east = Math.sin(bearing) * distanceM;
  return {
    lat: from.lat + north / EARTH_M_PER_DEG,
    lng: from.lng + east / (EARTH_M_PER_DEG * Math.cos((from.lat * Math.PI) / 180)),
  };
}

/** Uniform over a disc (not bunched at the centre). */
function pointIn(rng: Rng, center: LatLng, radiusM: number): LatLng {
  return offsetPoint(center, Math.sqrt(rng()) * radiusM, rng() * 2 * Math.PI);
}

const logNormal = (rng: Rng, mean: number, sigma: number): number =>
  mean * Math.exp(sigma * gaussian(rng) - (sigma * sigma) / 2);

const PRODUCT_WORDS = [
  'Milk',
  'Bread',
  'Eggs',
  'Bananas',
  'Coffee',
  'Pasta',
  'Tomatoes',
  'Cheese',
  'Yoghurt',
  'Apples',
  'Rice',
  'Butter',
  'Water',
  'Juice',
  'Chocolate',
  'Crisps',
];
const BRANDS = ['Nordhof', 'Gutland', 'Spreewald', 'Havel', 'Uckermark'];

/**
 * The whole run decided up front from the seed: the city, who arrives when and does what. Two runs
 * with the same seed and flags make the same requests in the same order of arrival, whatever the
 * server answers, so two dispatch strategies can be compared on the same evening.
 */
export function makePlan(c: SimConfig): Plan {
  const { stores, products, stock } = planCity(c);
  const { visits, durationS } = planVisits(c, stores, products);
  return { stores, products, stock, visits, drivers: planDrivers(c, stores), durationS };
}

/** Stores, catalog and stock, drawn in this order from the city's generator. */
function planCity(c: SimConfig): Pick<Plan, 'stores' | 'products' | 'stock'> {
  const cityRng = rngFor(`sim:${c.seed}:city`);
  const stores: PlannedStore[] = Array.from({ length: c.stores }, (_, i) => ({
    index: i,
    name: `Dark store ${i + 1}`,
    at: i === 0 ? c.center : pointIn(cityRng, c.center, c.cityRadiusM),
    prepMeanS: Math.round(c.prepMeanS * (0.75 + cityRng() * 0.5)),
  }));
  const products: PlannedProduct[] = Array.from({ length: c.productsPerStore }, (_, i) => ({
    sku: `SIM-${c.seed}-${String(i).padStart(4, '0')}`,
    name: `${BRANDS[i % BRANDS.length]} ${PRODUCT_WORDS[i % PRODUCT_WORDS.length]} ${Math.floor(i / PRODUCT_WORDS.length) + 1}`,
    priceMinor: 99 + Math.floor(cityRng() * 900),
    weight: 1 / (i + 1) ** 0.9,
  }));
  const stock = stores.map(() =>
    products.map((_, i) =>
      i % 17 === 3 ? intBetween(cityRng, 3, 12) : intBetween(cityRng, 40, 250),
    ),
  );
  return { stores, products, stock };
}

/** Arrivals of each phase as a Poisson process; each visit drawn from its own generator. */
function planVisits(
  c: SimConfig,
  stores: PlannedStore[],
  products: PlannedProduct[],
): { visits: PlannedVisit[]; durationS: number } {
  const visits: PlannedVisit[] = [];
  let t = 0;
  const weights = products.map((p) => p.weight);
  const productIdx = products.map((_, i) => i);
  const addressNear = addressBook(simNetwork(c));
  for (const phase of phasesOf(c)) {
    const end = t + phase.minutes * 60;
    const ratePerS = phase.ordersPerHour / 3600;
    const arrivals = rngFor(`sim:${c.seed}:arrivals:${phase.name}`);
    for (;;) {
      t += -Math.log(1 - arrivals()) / ratePerS;
      if (t >= end) break;
      // The draws' order is part of the plan: a seed makes the same evening only if it holds.
      const rng = rngFor(`sim:${c.seed}:visit:${visits.length}`);
      const store = stores[Math.floor(rng() * stores.length)] as PlannedStore;
      const lineCount = 1 + Math.floor(rng() * 4);
      const items = new Map<number, number>();
      for (let k = 0; k < lineCount; k++)
        items.set(pickWeighted(rng, productIdx, weights), 1 + Math.floor(rng() ** 3 * 3));
      const s = c.shares;
      const card = cardOf(rng(), s);
      const index = visits.length;
      const near = pointIn(rng, store.at, c.zoneRadiusM * 0.9);
      const home = addressNear(near);
      visits.push({
        index,
        atS: t,
        phase: phase.name,
        customer: index % c.customers,
        home: home ? { lat: home.lat, lng: home.lng } : near,
        address: home?.label ?? `Simulated street ${index}`,
        storeRank: rng() < 0.75 ? 0 : 1,
        items: [...items].map(([product, quantity]) => ({ product, quantity })),
        card,
        retry: rng() < s.retry,
        cancelAfterS: rng() < s.cancel ? 20 + rng() * 120 : null,
        storeAcceptAfterS: 5 + rng() * 40,
        storeRejects: rng() < s.storeReject,
        missingItem: rng() < s.missingItem,
        prepS: logNormal(rng, store.prepMeanS, 0.35),
        handoverS: c.handoverS * (0.5 + rng()),
        // Drawn last: the draws before it keep the plans of earlier versions.
        payAgainAfterS: rng() < s.payAgain ? 2 + rng() * 20 : null,
      });
    }
    t = end;
  }
  return { visits, durationS: t };
}

/** The test card a draw `r` in [0, 1) stands for, by the configured shares. */
function cardOf(r: number, s: SimConfig['shares']): Card {
  if (r < s.decline) return 'tok_decline';
  if (r < s.decline + s.insufficient) return 'tok_insufficient';
  if (r < s.decline + s.insufficient + s.slowCard) return 'tok_slow';
  if (r < s.decline + s.insufficient + s.slowCard + s.netfail) return 'tok_netfail';
  return 'tok_visa';
}

/** Couriers go on shift over this many seconds at the start (at most half the normal phase). */
const SHIFT_RAMP_S = 60;

function planDrivers(c: SimConfig, stores: PlannedStore[]): PlannedDriver[] {
  const fleetRng = rngFor(`sim:${c.seed}:fleet`);
  return Array.from({ length: driversFor(c) }, (_, i) => {
    const v = fleetRng();
    return {
      index: i,
      vehicle: v < 0.45 ? 'bike' : v < 0.85 ? 'scooter' : 'car',
      // Couriers wait near the stores, as they do between jobs.
      start: pointIn(
        fleetRng,
        (stores[Math.floor(fleetRng() * stores.length)] as PlannedStore).at,
        Math.min(1000, c.zoneRadiusM / 2),
      ),
      declineShare: Math.min(0.6, c.shares.driverDecline * (0.5 + fleetRng())),
      answerAfterS: [2, 4 + fleetRng() * 10],
      // Drawn apart from the fleet's other choices, so those stay what a seed always made them.
      onShiftAfterS:
        rngFor(`sim:${c.seed}:shift:${i}`)() * Math.min(SHIFT_RAMP_S, c.normalMin * 30),
    };
  });
}

/** Metres per second at which each vehicle moves through the streets. */
export const VEHICLE_SPEED_MPS = { bike: 4.2, scooter: 6.5, car: 7.5 } as const;

/**
 * The way a courier drives: along the streets when the API served them (shortest route, start
 * and end snapped to the nearest street), else along one axis and then the other, so the
 * distance driven is longer than the straight line, as on real streets.
 */
export function routeOf(from: LatLng, to: LatLng, streets?: StreetGraph | null): LatLng[] {
  const onStreets = streets ? streetRoute(streets, from, to) : null;
  if (onStreets) return onStreets;
  const corner =
    Math.abs(from.lat - to.lat) > Math.abs(from.lng - to.lng)
      ? { lat: to.lat, lng: from.lng }
      : { lat: from.lat, lng: to.lng };
  return [from, corner, to];
}

export const metres = (a: LatLng, b: LatLng): number => haversineMeters(a.lat, a.lng, b.lat, b.lng);

/** Where a traveller along `route` is after `distanceM` metres (the end once past it). */
export function along(route: readonly LatLng[], distanceM: number): { at: LatLng; done: boolean } {
  let left = distanceM;
  for (let i = 1; i < route.length; i++) {
    const a = route[i - 1] as LatLng;
    const b = route[i] as LatLng;
    const d = metres(a, b);
    if (left <= d) {
      const f = d === 0 ? 1 : left / d;
      return {
        at: { lat: a.lat + (b.lat - a.lat) * f, lng: a.lng + (b.lng - a.lng) * f },
        done: false,
      };
    }
    left -= d;
  }
  return { at: route.at(-1) as LatLng, done: true };
}

export const routeLength = (route: readonly LatLng[]): number =>
  route.slice(1).reduce((n, p, i) => n + metres(route[i] as LatLng, p), 0);
