/**
 * What a simulation run looks like: the city, the load shape and the behaviour shares. Every
 * figure has a default sized for a 2-core machine; `npm run sim -- --help` lists the flags.
 */
export interface Phase {
  name: string;
  minutes: number;
  ordersPerHour: number;
}

export interface SimConfig {
  seed: number;
  /** Normal orders per hour; the rush multiplies it. */
  ordersPerHour: number;
  rushFactor: number;
  normalMin: number;
  rushMin: number;
  afterMin: number;
  /** Longest wait after the last arrival for open orders to end. */
  drainMin: number;
  stores: number;
  productsPerStore: number;
  customers: number;
  /** 0: enough for the rush (arrivals per minute × minutes a trip takes). */
  drivers: number;
  center: { lat: number; lng: number };
  /** Stores lie within this distance of the centre; customers within the store's zone. */
  cityRadiusM: number;
  zoneRadiusM: number;
  prepMeanS: number;
  /** Mean seconds from the courier's arrival at the door to the handover. */
  handoverS: number;
  /**
   * The world's weather and traffic (weather.ts), the same in both worlds: a rain spell that slows
   * each vehicle by its factor (travel time multiplied), and traffic in the city centre's zone while
   * the rush is on the road. The simulated services report the traffic to lastmile as it begins,
   * and the rain as soon as it is forecast.
   */
  weather: {
    rainFromMin: number;
    /**
     * Minutes before the rain the weather service forecasts it (its start and end), as a radar
     * nowcast does; 0 or absent (evenings recorded before forecasts): told only once it falls.
     */
    rainForecastMin?: number;
    /** 0: no rain. */
    rainMin: number;
    rainSlowdown: { bike: number; scooter: number; car: number };
    /** Extra travel time in the centre's zone from the rush on, percent (0: none). */
    trafficPercent: number;
  };
  /** Behaviour shares, each 0..1. */
  shares: {
    decline: number;
    insufficient: number;
    slowCard: number;
    netfail: number;
    /** Of the customers whose card is declined, those who pay with another card. */
    payAgain: number;
    retry: number;
    cancel: number;
    storeReject: number;
    missingItem: number;
    driverDecline: number;
  };
}

export const DEFAULT_SIM: SimConfig = {
  seed: 1,
  ordersPerHour: 300,
  rushFactor: 10,
  normalMin: 5,
  rushMin: 10,
  afterMin: 3,
  drainMin: 20,
  stores: 6,
  productsPerStore: 60,
  customers: 600,
  drivers: 0,
  // Hamburg: away from the demo city (Berlin) that `lastmile start` seeds, so shoppers see only simulated stores.
  center: { lat: 53.5511, lng: 9.9937 },
  cityRadiusM: 3500,
  zoneRadiusM: 2500,
  prepMeanS: 240,
  handoverS: 60,
  // Rain while the rush's second half and what comes after are on the road (a ride runs about
  // 11 min after its order is placed). It slows a bike more than lastmile's rule of thumb says
  // (×1.25), a car less.
  weather: {
    rainFromMin: 20,
    rainForecastMin: 15,
    rainMin: 10,
    rainSlowdown: { bike: 1.4, scooter: 1.25, car: 1.08 },
    trafficPercent: 30,
  },
  shares: {
    decline: 0.03,
    insufficient: 0.01,
    slowCard: 0.02,
    netfail: 0.01,
    payAgain: 0.5,
    retry: 0.08,
    cancel: 0.03,
    storeReject: 0.01,
    missingItem: 0.05,
    driverDecline: 0.12,
  },
};

/** The small evening of `--quick`: a few minutes, for a first look or a smoke test. */
export const QUICK: Partial<SimConfig> = {
  ordersPerHour: 90,
  normalMin: 1,
  rushMin: 3,
  afterMin: 1,
  drainMin: 12,
  stores: 3,
  productsPerStore: 30,
  customers: 120,
  cityRadiusM: 1500,
  zoneRadiusM: 1500,
  prepMeanS: 120,
  // About half the rides in the rain: those of the rush's last orders and after.
  weather: { ...DEFAULT_SIM.weather, rainFromMin: 8, rainMin: 8 },
};

/** Minutes a delivery keeps a driver busy, on average, for sizing the fleet. */
export const TRIP_MINUTES = 14;

export function phasesOf(c: SimConfig): Phase[] {
  return [
    { name: 'normal', minutes: c.normalMin, ordersPerHour: c.ordersPerHour },
    { name: 'rush', minutes: c.rushMin, ordersPerHour: c.ordersPerHour * c.rushFactor },
    { name: 'after', minutes: c.afterMin, ordersPerHour: c.ordersPerHour },
  ].filter((p) => p.minutes > 0);
}

export function driversFor(c: SimConfig): number {
  if (c.drivers > 0) return c.drivers;
  const peakPerMin = Math.max(...phasesOf(c).map((p) => p.ordersPerHour / 60));
  return Math.max(5, Math.ceil(peakPerMin * TRIP_MINUTES * 0.8));
}
