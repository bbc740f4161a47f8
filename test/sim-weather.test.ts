import { getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIM, type SimConfig } from '../sim/config.ts';
import { offsetPoint, type PlannedVisit } from '../sim/plan.ts';
import type { SimStore, TrackedOrder } from '../sim/state.ts';
import { reportsAt, rodeInRain, speedFactor, weatherOf, ZONE_RES } from '../sim/weather.ts';
import { weatherFigures } from '../sim/weather-figures.ts';
import { ZONE_RES as LASTMILE_ZONE_RES } from '../src/modules/eta/index.ts';

// The simulated world's rain and traffic: what they do to the couriers, what the services report,
// and the report's ETA inside and outside the rain, on made-up evenings with known answers.

const MIN = 60_000;
const cfg: SimConfig = DEFAULT_SIM;
const w = weatherOf(cfg);
const centre = cfg.center;
const away = offsetPoint(centre, 3000, Math.PI / 2);

describe("the world's weather and traffic", () => {
  it('rains when configured, and jams the centre from the rush until its orders are delivered', () => {
    expect(w.rain).toMatchObject({ fromS: 20 * 60, untilS: 30 * 60 });
    expect(w.traffic).toEqual({
      fromS: 5 * 60,
      untilS: (5 + 10 + 3 + 5) * 60,
      zone: latLngToCell(centre.lat, centre.lng, ZONE_RES),
      factor: 1.3,
    });
    expect(ZONE_RES).toBe(LASTMILE_ZONE_RES);
    const none = weatherOf({ ...cfg, weather: { ...cfg.weather, rainMin: 0, trafficPercent: 0 } });
    expect(none).toEqual({ rain: null, traffic: null });
  });

  it('slows a bike more than a car in the rain, and everyone in the jammed zone', () => {
    expect(speedFactor(w, 'bike', away, 60)).toBe(1);
    expect(speedFactor(w, 'bike', away, 25 * 60)).toBeCloseTo(1 / 1.4);
    expect(speedFactor(w, 'car', away, 25 * 60)).toBeCloseTo(1 / 1.08);
    expect(speedFactor(w, 'car', centre, 10 * 60)).toBeCloseTo(1 / 1.3);
    expect(speedFactor(w, 'car', centre, 21 * 60)).toBeCloseTo(1 / (1.3 * 1.08));
    expect(speedFactor(w, 'car', centre, 40 * 60)).toBe(1);
  });

  it('has the services report the rain once forecast and the traffic once it began, as lastmile reads them', () => {
    const start = Date.UTC(2026, 10, 23, 18, 0, 0);
    const empty = reportsAt(w, start, 4 * 60);
    expect(empty).toEqual([
      { source: 'sim-weather', conditions: [] },
      { source: 'sim-traffic', conditions: [] },
    ]);
    // Forecast 15 min ahead: told at minute 5 of the rain from minute 20, and still told after it.
    expect(reportsAt(w, start, 5 * 60)[0]).toEqual(reportsAt(w, start, 35 * 60)[0]);
    const [weather, traffic] = reportsAt(w, start, 35 * 60);
    expect(weather?.conditions).toEqual([
      {
        kind: 'rain',
        starts_at: new Date(start + 20 * MIN).toISOString(),
        ends_at: new Date(start + 30 * MIN).toISOString(),
      },
    ]);
    const jam = traffic?.conditions[0];
    expect(jam).toMatchObject({ kind: 'traffic', factor: 1.3 });
    expect(getResolution(jam?.zone as string)).toBe(LASTMILE_ZONE_RES);
  });

  it('tells of the rain only as it falls without a forecast, as evenings recorded before them', () => {
    const start = Date.UTC(2026, 10, 23, 18, 0, 0);
    const { rainForecastMin: _, ...unforecast } = cfg.weather;
    for (const weather of [{ ...cfg.weather, rainForecastMin: 0 }, unforecast]) {
      const told = (min: number) => reportsAt(weatherOf({ ...cfg, weather }), start, min * 60)[0];
      expect(told(19.9)?.conditions).toEqual([]);
      expect(told(20)?.conditions).toEqual([expect.objectContaining({ kind: 'rain' })]);
    }
  });

  it('counts a ride as in the rain when its middle was', () => {
    const start = 1_000_000;
    const ride = (fromMin: number, toMin: number) => ({
      pickedUpAt: start + fromMin * MIN,
      deliveredAt: start + toMin * MIN,
    });
    expect(rodeInRain(w, start, ride(15, 24))).toBe(false);
    expect(rodeInRain(w, start, ride(16, 26))).toBe(true);
    expect(rodeInRain(w, start, { deliveredAt: start + 25 * MIN })).toBe(false);
  });
});

describe('the ETA inside and outside the rain', () => {
  const start = 1_000_000;
  const store: SimStore = { index: 0, id: 's', token: '', at: centre, prepMeanS: 120 };
  const home = offsetPoint(centre, 1200, 0);
  /** Placed at `placedMin`, promised 10–20 min later (point at 15), ridden `rideMin` to the door. */
  const order = (placedMin: number, pickedMin: number, deliveredMin: number): TrackedOrder => ({
    id: `o${placedMin}`,
    visit: { home } as PlannedVisit,
    store,
    customerToken: '',
    placedAt: start + placedMin * MIN,
    status: 'delivered',
    promiseMidS: 15 * 60,
    promise: { from: start + (placedMin + 10) * MIN, to: start + (placedMin + 20) * MIN },
    promiseParts: null,
    naiveS: 0,
    pickedUpAt: start + pickedMin * MIN,
    deliveredAt: start + deliveredMin * MIN,
  });
  // Two dry orders delivered on the point; two in the rain, 4 and 8 min late on it.
  const delivered = [order(0, 8, 15), order(2, 10, 17), order(8, 20, 27), order(10, 22, 33)];
  const f = weatherFigures(
    cfg,
    start,
    delivered as Array<TrackedOrder & { deliveredAt: number }>,
    () => 600,
  );

  it('splits the orders by their ride and measures each side', () => {
    expect(f.in_rain).toEqual({
      orders: 2,
      eta_mae_min: { ours: 6, honest_naive: 11 },
      inside_window: 0.5,
      window_p50_min: 10,
      ride_p50_min: 7,
    });
    expect(f.dry).toMatchObject({ orders: 2, eta_mae_min: { ours: 0, honest_naive: 5 } });
    expect(f.dry.inside_window).toBe(1);
    expect(f.rain).toEqual({
      from_min: 20,
      until_min: 30,
      forecast_min: 15,
      slowdown: cfg.weather.rainSlowdown,
    });
    expect(f.traffic).toMatchObject({ factor: 1.3, from_min: 5, until_min: 23 });
  });
});
