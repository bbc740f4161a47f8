import fs from 'node:fs/promises';
import path from 'node:path';
import { honestNaiveOf } from './figures.ts';
import { mean, onTimeOf, type PromisedOrder, quantile } from './quality.ts';
import { histogram, lineChart, type Series } from './svg.ts';
import type { WorldResult } from './world.ts';

const OURS = '#2563eb';
const BASE = '#9ca3af';
const EXTRA = '#f59e0b';
const colorOf = (i: number) => (i === 0 ? OURS : BASE);
const SINCE_START = 'minutes since the evening started';

/** Writes the report's SVG plots into `dir`; the first world is lastmile as configured. */
export async function writePlots(dir: string, worlds: WorldResult[]): Promise<void> {
  const totalMin = Math.max(...worlds.map((w) => (w.arrivalsS + w.drainedS) / 60)) + 1;
  const plots: Record<string, string> = {
    'orders-per-minute.svg': ordersPerMinute(worlds, totalMin),
    'delivery-time.svg': deliveryTime(worlds),
    'on-time.svg': onTime(worlds),
    'eta-error.svg': etaError(worlds[0] as WorldResult),
    'drivers-busy.svg': driversBusy(worlds),
    'api-latency.svg': apiLatency(worlds),
  };
  for (const [name, svg] of Object.entries(plots)) await fs.writeFile(path.join(dir, name), svg);
}

function ordersPerMinute(worlds: WorldResult[], totalMin: number): string {
  const sinceStartS = (w: WorldResult, at: number) => (at - w.state.startedAt) / 1000;
  return lineChart('Orders per minute', SINCE_START, 'orders / min', [
    ...worlds.map((w, i) => ({
      name: `placed (${w.label})`,
      color: i === 0 ? EXTRA : '#fcd34d',
      points: perMinuteSeries(
        [...w.state.orders.values()].map((o) => sinceStartS(w, o.placedAt)),
        totalMin,
      ),
    })),
    ...worlds.map((w, i) => ({
      name: `delivered (${w.label})`,
      color: colorOf(i),
      points: perMinuteSeries(
        [...w.state.orders.values()]
          .filter((o) => o.deliveredAt)
          .map((o) => sinceStartS(w, o.deliveredAt as number)),
        totalMin,
      ),
    })),
  ]);
}

function deliveryTime(worlds: WorldResult[]): string {
  const binMin = 2;
  const bins = (w: WorldResult) => {
    const c = new Array(20).fill(0) as number[];
    for (const o of w.state.orders.values()) {
      if (o.status !== 'delivered' || !o.deliveredAt) continue;
      const i = Math.min(19, Math.floor((o.deliveredAt - o.placedAt) / 60_000 / binMin));
      c[i] = (c[i] ?? 0) + 1;
    }
    return c;
  };
  return histogram(
    'Delivery time (placed → handed over)',
    'minutes',
    binMin,
    worlds.map((w, i) => ({ name: w.label, color: colorOf(i), counts: bins(w) })),
  );
}

/** On-time shares by when the order was placed (2-minute buckets), per world. */
function onTime(worlds: WorldResult[]): string {
  const bucketMin = 2;
  const series = (w: WorldResult, i: number): Series[] => {
    const buckets = new Map<number, PromisedOrder[]>();
    for (const o of w.state.orders.values()) {
      if (o.status !== 'delivered' || !o.deliveredAt || !o.promise) continue;
      const b = Math.floor((o.placedAt - w.state.startedAt) / 60_000 / bucketMin);
      buckets.set(b, [...(buckets.get(b) ?? []), { ...o.promise, deliveredAt: o.deliveredAt }]);
    }
    const keys = [...buckets.keys()].sort((x, y) => x - y);
    const line = (get: (b: PromisedOrder[]) => number | null) =>
      keys.map((k) => [k * bucketMin, 100 * (get(buckets.get(k) ?? []) ?? 0)] as [number, number]);
    return [
      {
        name: `${w.label}: in window`,
        color: colorOf(i),
        points: line((b) => onTimeOf(b).inside_window),
      },
      {
        name: `${w.label}: ≤ end + 5 min`,
        color: i === 0 ? '#93c5fd' : '#d1d5db',
        points: line((b) => onTimeOf(b).within_end_plus_5),
      },
    ];
  };
  return lineChart(
    'Delivered on time, by when the order was placed',
    SINCE_START,
    '% of delivered orders',
    worlds.flatMap(series),
  );
}

function etaError(ours: WorldResult): string {
  const eta = etaSeries(ours, 2);
  return lineChart(
    'ETA error at checkout, by when the order was placed',
    SINCE_START,
    'mean absolute error (min)',
    [
      { name: 'lastmile promise', color: OURS, points: eta.ours },
      { name: 'honest naive', color: EXTRA, points: eta.honest },
      { name: 'old naive (5 m/s)', color: BASE, points: eta.naive },
    ],
  );
}

function driversBusy(worlds: WorldResult[]): string {
  return lineChart(
    'Couriers on a job',
    SINCE_START,
    'couriers busy',
    worlds.map((w, i): Series => ({
      name: `${w.label} (of ${w.drivers.length})`,
      color: colorOf(i),
      points: w.state.samples.map(([t, busy]) => [t / 60, busy] as [number, number]),
    })),
  );
}

function apiLatency(worlds: WorldResult[]): string {
  return lineChart(
    'API latency seen by the simulated apps (p99 per minute)',
    SINCE_START,
    'ms',
    worlds.map((w, i): Series => {
      const byMin = new Map<number, number[]>();
      for (const [t, ms] of w.stats.timeline) {
        const m = Math.floor(t / 60);
        const l = byMin.get(m) ?? [];
        l.push(ms);
        byMin.set(m, l);
      }
      return {
        name: w.label,
        color: colorOf(i),
        points: [...byMin.keys()]
          .sort((a, b) => a - b)
          .map((m) => [m, quantile(byMin.get(m) ?? [], 0.99) ?? 0] as [number, number]),
      };
    }),
  );
}

/** Per-minute counts as plot points. */
function perMinuteSeries(xsS: number[], minutes: number): Array<[number, number]> {
  const counts = new Array(Math.max(1, Math.ceil(minutes))).fill(0) as number[];
  for (const x of xsS) {
    const m = Math.floor(x / 60);
    if (m >= 0 && m < counts.length) counts[m] = (counts[m] as number) + 1;
  }
  return counts.map((c, i) => [i, c]);
}

type EtaKind = 'ours' | 'honest' | 'naive';

function etaSeries(w: WorldResult, bucketMin: number): Record<EtaKind, Array<[number, number]>> {
  const honestOf = honestNaiveOf(w);
  const buckets = new Map<number, Record<EtaKind, number[]>>();
  for (const o of w.state.orders.values()) {
    if (o.status !== 'delivered' || !o.deliveredAt || o.promiseMidS === null) continue;
    const actual = (o.deliveredAt - o.placedAt) / 1000;
    const b = Math.floor((o.placedAt - w.state.startedAt) / 60_000 / bucketMin);
    const e = buckets.get(b) ?? { ours: [], honest: [], naive: [] };
    e.ours.push(Math.abs(o.promiseMidS - actual) / 60);
    e.honest.push(Math.abs(honestOf(o) - actual) / 60);
    e.naive.push(Math.abs(o.naiveS - actual) / 60);
    buckets.set(b, e);
  }
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const line = (k: EtaKind) =>
    keys.map((b): [number, number] => [b * bucketMin, mean(buckets.get(b)?.[k] ?? []) ?? 0]);
  return { ours: line('ours'), honest: line('honest'), naive: line('naive') };
}
