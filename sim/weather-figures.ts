import type { SimConfig } from './config.ts';
import { etaErrorOf, onTimeOf, quantile, windowWidthOf } from './quality.ts';
import type { TrackedOrder } from './state.ts';
import { rodeInRain, weatherOf } from './weather.ts';

/** ETA and promises of the orders on one side of the rain. */
export interface SpellFigures {
  orders: number;
  /** Mean absolute error of the ETA at checkout, ours and the honest naive one, minutes. */
  eta_mae_min: { ours: number | null; honest_naive: number | null };
  /** Share delivered inside the window promised at checkout. */
  inside_window: number | null;
  window_p50_min: number | null;
  /** From pickup to the door, p50, minutes. */
  ride_p50_min: number | null;
}

/** What the world's weather and traffic were, and the ETA inside and outside the rain. */
export interface WeatherFigures {
  rain: {
    from_min: number;
    until_min: number;
    /** Minutes before it fell that the weather service told lastmile of it. */
    forecast_min: number;
    slowdown: SimConfig['weather']['rainSlowdown'];
  } | null;
  traffic: { zone: string; factor: number; from_min: number; until_min: number } | null;
  /** Delivered orders whose ride was mostly in the rain (its middle was), and the others. */
  in_rain: SpellFigures;
  dry: SpellFigures;
}

type Delivered = TrackedOrder & { deliveredAt: number };
const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

function spellFigures(orders: Delivered[], honestOf: (o: TrackedOrder) => number): SpellFigures {
  const promised = orders.filter((o) => o.promiseMidS !== null);
  const tookS = (o: Delivered) => (o.deliveredAt - o.placedAt) / 1000;
  const windows = orders.flatMap((o) => (o.promise ? [o.promise] : []));
  const rides = orders.flatMap((o) =>
    o.pickedUpAt === undefined ? [] : [(o.deliveredAt - o.pickedUpAt) / 60_000],
  );
  return {
    orders: orders.length,
    eta_mae_min: {
      ours: etaErrorOf(promised.map((o) => [o.promiseMidS as number, tookS(o)])).mae,
      honest_naive: etaErrorOf(promised.map((o) => [honestOf(o), tookS(o)])).mae,
    },
    inside_window: onTimeOf(
      orders.flatMap((o) => (o.promise ? [{ ...o.promise, deliveredAt: o.deliveredAt }] : [])),
    ).inside_window,
    window_p50_min: windowWidthOf(windows).p50,
    ride_p50_min: r2(quantile(rides, 0.5)),
  };
}

/** The evening's rain and traffic, and how the ETA and its promises fared in and out of the rain. */
export function weatherFigures(
  cfg: SimConfig,
  startedAt: number,
  delivered: Delivered[],
  honestOf: (o: TrackedOrder) => number,
): WeatherFigures {
  const w = weatherOf(cfg);
  const wet = delivered.filter((o) => rodeInRain(w, startedAt, o));
  const dry = delivered.filter((o) => !rodeInRain(w, startedAt, o));
  const min = (s: number) => r2(s / 60) as number;
  return {
    rain: w.rain
      ? {
          from_min: min(w.rain.fromS),
          until_min: min(w.rain.untilS),
          forecast_min: min(w.rain.fromS - w.rain.toldS),
          slowdown: w.rain.slowdown,
        }
      : null,
    traffic: w.traffic
      ? {
          zone: w.traffic.zone,
          factor: w.traffic.factor,
          from_min: min(w.traffic.fromS),
          until_min: min(w.traffic.untilS),
        }
      : null,
    in_rain: spellFigures(wet, honestOf),
    dry: spellFigures(dry, honestOf),
  };
}
