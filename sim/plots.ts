import fs from 'node:fs/promises';
import path from 'node:path';
import { mean, quantile } from './figures.ts';
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

function etaError(ours: WorldResult): string {
  const eta = etaSeries(ours, 2);
  return lineChart(
    'ETA error at checkout, by when the order was placed',
    SINCE_START,
    'mean absolute error (min)',
    [
      { name: 'lastmile promise', color: OURS, points: eta.ours },
      { name: 'naive (prep + distance at 5 m/s)', color: BASE, points: eta.naive },
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

function etaSeries(
  w: WorldResult,
  bucketMin: number,
): { ours: Array<[number, number]>; naive: Array<[number, number]> } {
  const buckets = new Map<number, { ours: number[]; naive: number[] }>();
  for (const o of w.state.orders.values()) {
    if (o.status !== 'delivered' || !o.deliveredAt || o.promiseMidS === null) continue;
    const actual = (o.deliveredAt - o.placedAt) / 1000;
    const b = Math.floor((o.placedAt - w.state.startedAt) / 60_000 / bucketMin);
    const e = buckets.get(b) ?? { ours: [], naive: [] };
    e.ours.push(Math.abs(o.promiseMidS - actual) / 60);
    e.naive.push(Math.abs(o.naiveS - actual) / 60);
    buckets.set(b, e);
  }
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  return {
    ours: keys.map((k) => [k * bucketMin, mean(buckets.get(k)?.ours ?? []) ?? 0]),
    naive: keys.map((k) => [k * bucketMin, mean(buckets.get(k)?.naive ?? []) ?? 0]),
  };
}
