import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SimConfig } from './config.ts';
import { histogram, lineChart, type Series } from './svg.ts';
import type { WorldResult } from './world.ts';

const OURS = '#2563eb';
const BASE = '#9ca3af';
const EXTRA = '#f59e0b';

function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
}
const mean = (v: readonly number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : null);
const r1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

export interface WorldFigures {
  label: string;
  orders: {
    visits: number;
    placed: number;
    delivered: number;
    canceled: number;
    failed: number;
    other: number;
  };
  outcomes: Record<string, number>;
  orders_per_min: {
    placed_rush: number | null;
    delivered_rush_and_after: number | null;
    peak_placed: number;
  };
  api: {
    requests: number;
    p50_ms: number | null;
    p99_ms: number | null;
    network_errors: number;
    by_route: Record<string, { n: number; p50_ms: number | null; p99_ms: number | null }>;
  };
  delivery_min: { p50: number | null; p90: number | null; p99: number | null; mean: number | null };
  eta_error_min: {
    ours_mae: number | null;
    naive_mae: number | null;
    ours_p90: number | null;
    naive_p90: number | null;
    orders: number;
  };
  drivers: {
    count: number;
    utilisation: number | null;
    idle_min_mean: number | null;
    deliveries_per_driver: number | null;
  };
  offers_per_assignment: number | null;
  store_wait_min: { p50: number | null; p90: number | null };
  /** From the store marking the bag ready to a courier taking it: the bag waiting for a courier. */
  bag_wait_min: { p50: number | null; p90: number | null };
  /** From pickup to the door. */
  ride_min: { p50: number | null; p90: number | null };
  errors_by_code: Record<string, number>;
  invariants: Array<{ name: string; ok: boolean; violations: number; detail: string }>;
  arrivals_s: number;
  drain_s: number;
  agent_errors: string[];
}

/** The figures of one evening, from what the simulated people saw. */
export function figuresOf(w: WorldResult, cfg: SimConfig): WorldFigures {
  const s = w.state;
  const orders = [...s.orders.values()];
  const status = (st: string) => orders.filter((o) => o.status === st).length;
  const delivered = orders.filter((o) => o.status === 'delivered' && o.deliveredAt);
  const deliveryMin = delivered.map((o) => ((o.deliveredAt as number) - o.placedAt) / 60_000);
  const withPromise = delivered.filter((o) => o.promiseMidS !== null);
  const oursErr = withPromise.map(
    (o) =>
      Math.abs((o.promiseMidS as number) - ((o.deliveredAt as number) - o.placedAt) / 1000) / 60,
  );
  const naiveErr = withPromise.map(
    (o) => Math.abs(o.naiveS - ((o.deliveredAt as number) - o.placedAt) / 1000) / 60,
  );
  const rushFrom = cfg.normalMin * 60;
  const rushTo = rushFrom + cfg.rushMin * 60;
  const at = (o: { placedAt: number }) => (o.placedAt - s.startedAt) / 1000;
  const perMin = (xs: number[]) => {
    const m = new Map<number, number>();
    for (const x of xs) m.set(Math.floor(x / 60), (m.get(Math.floor(x / 60)) ?? 0) + 1);
    return m;
  };
  const placedPerMin = perMin(orders.map(at));
  const all = [...w.stats.latencies.values()].flat();
  const byRoute = Object.fromEntries(
    [...w.stats.latencies.entries()]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([k, v]) => [
        k,
        { n: v.length, p50_ms: r1(quantile(v, 0.5)), p99_ms: r1(quantile(v, 0.99)) },
      ]),
  );
  const drivers = w.drivers.filter((d) => d.shiftS > 0);
  const offerCounts = [...s.offersPerTrip.values()];
  const accepted = drivers.reduce((n, d) => n + d.accepted, 0);
  return {
    label: w.label,
    orders: {
      visits: s.plan.visits.length,
      placed: orders.length,
      delivered: status('delivered'),
      canceled: status('canceled'),
      failed: status('failed'),
      other: orders.length - status('delivered') - status('canceled') - status('failed'),
    },
    outcomes: Object.fromEntries([...s.outcomes].sort((a, b) => b[1] - a[1])),
    orders_per_min: {
      placed_rush:
        cfg.rushMin > 0
          ? r1(orders.filter((o) => at(o) >= rushFrom && at(o) < rushTo).length / cfg.rushMin)
          : null,
      delivered_rush_and_after:
        cfg.rushMin > 0
          ? r1(delivered.filter((o) => at(o) >= rushFrom).length / (cfg.rushMin + cfg.afterMin))
          : null,
      peak_placed: Math.max(0, ...placedPerMin.values()),
    },
    api: {
      requests: all.length,
      p50_ms: r1(quantile(all, 0.5)),
      p99_ms: r1(quantile(all, 0.99)),
      network_errors: w.stats.networkErrors,
      by_route: byRoute,
    },
    delivery_min: {
      p50: r1(quantile(deliveryMin, 0.5)),
      p90: r1(quantile(deliveryMin, 0.9)),
      p99: r1(quantile(deliveryMin, 0.99)),
      mean: r1(mean(deliveryMin)),
    },
    eta_error_min: {
      ours_mae: r2(mean(oursErr)),
      naive_mae: r2(mean(naiveErr)),
      ours_p90: r2(quantile(oursErr, 0.9)),
      naive_p90: r2(quantile(naiveErr, 0.9)),
      orders: withPromise.length,
    },
    drivers: {
      count: drivers.length,
      utilisation: r2(mean(drivers.map((d) => d.busyS / d.shiftS))),
      idle_min_mean: r1(mean(drivers.map((d) => (d.shiftS - d.busyS) / 60))),
      deliveries_per_driver: r2(mean(drivers.map((d) => d.deliveries))),
    },
    offers_per_assignment:
      accepted > 0 ? r2(offerCounts.reduce((a, b) => a + b, 0) / accepted) : null,
    store_wait_min: minutes(s.storeWaitsS),
    bag_wait_min: minutes(
      delivered
        .filter((o) => o.readyAt && o.pickedUpAt)
        .map((o) => Math.max(0, (o.pickedUpAt as number) - (o.readyAt as number)) / 1000),
    ),
    ride_min: minutes(
      delivered
        .filter((o) => o.pickedUpAt)
        .map((o) => ((o.deliveredAt as number) - (o.pickedUpAt as number)) / 1000),
    ),
    errors_by_code: Object.fromEntries([...w.stats.codes].sort((a, b) => b[1] - a[1])),
    invariants: w.invariants,
    arrivals_s: Math.round(w.arrivalsS),
    drain_s: Math.round(w.drainedS),
    agent_errors: s.agentErrors,
  };
}

/** p50 and p90 of durations in seconds, in minutes. */
function minutes(seconds: number[]): { p50: number | null; p90: number | null } {
  const q = (p: number) => {
    const v = quantile(seconds, p);
    return v === null ? null : r2(v / 60);
  };
  return { p50: q(0.5), p90: q(0.9) };
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

/** Writes report.json, report.md and the SVG plots of a run into `dir`. Returns whether every invariant held. */
export async function writeReport(
  dir: string,
  cfg: SimConfig,
  worlds: WorldResult[],
  meta: Record<string, unknown>,
): Promise<{ ok: boolean; figures: WorldFigures[] }> {
  await fs.mkdir(dir, { recursive: true });
  const figures = worlds.map((w) => figuresOf(w, cfg));
  const [ours, baseline] = [worlds[0] as WorldResult, worlds[1]];
  const totalMin = Math.max(...worlds.map((w) => (w.arrivalsS + w.drainedS) / 60)) + 1;
  const colorOf = (i: number) => (i === 0 ? OURS : BASE);

  const plots: Record<string, string> = {};
  plots['orders-per-minute.svg'] = lineChart(
    'Orders per minute',
    'minutes since the evening started',
    'orders / min',
    [
      ...worlds.map((w, i) => ({
        name: `placed (${w.label})`,
        color: i === 0 ? EXTRA : '#fcd34d',
        points: perMinuteSeries(
          [...w.state.orders.values()].map((o) => (o.placedAt - w.state.startedAt) / 1000),
          totalMin,
        ),
      })),
      ...worlds.map((w, i) => ({
        name: `delivered (${w.label})`,
        color: colorOf(i),
        points: perMinuteSeries(
          [...w.state.orders.values()]
            .filter((o) => o.deliveredAt)
            .map((o) => ((o.deliveredAt as number) - w.state.startedAt) / 1000),
          totalMin,
        ),
      })),
    ],
  );
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
  plots['delivery-time.svg'] = histogram(
    'Delivery time (placed → handed over)',
    'minutes',
    binMin,
    worlds.map((w, i) => ({ name: w.label, color: colorOf(i), counts: bins(w) })),
  );
  const eta = etaSeries(ours, 2);
  plots['eta-error.svg'] = lineChart(
    'ETA error at checkout, by when the order was placed',
    'minutes since the evening started',
    'mean absolute error (min)',
    [
      { name: 'lastmile promise', color: OURS, points: eta.ours },
      { name: 'naive (prep + distance at 5 m/s)', color: BASE, points: eta.naive },
    ],
  );
  plots['drivers-busy.svg'] = lineChart(
    'Couriers on a job',
    'minutes since the evening started',
    'couriers busy',
    worlds.map((w, i): Series => ({
      name: `${w.label} (of ${w.drivers.length})`,
      color: colorOf(i),
      points: w.state.samples.map(([t, busy]) => [t / 60, busy] as [number, number]),
    })),
  );
  plots['api-latency.svg'] = lineChart(
    'API latency seen by the simulated apps (p99 per minute)',
    'minutes since the evening started',
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
  for (const [name, svg] of Object.entries(plots)) await fs.writeFile(path.join(dir, name), svg);

  const ok = figures.every((f) => f.invariants.every((i) => i.ok));
  const json = {
    ...meta,
    config: cfg,
    machine: {
      cpus: os.cpus().length,
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    ok,
    worlds: figures,
  };
  await fs.writeFile(path.join(dir, 'report.json'), `${JSON.stringify(json, null, 2)}\n`);
  await fs.writeFile(
    path.join(dir, 'report.md'),
    markdown(cfg, figures, ok, meta, baseline !== undefined),
  );
  return { ok, figures };
}

function markdown(
  cfg: SimConfig,
  f: WorldFigures[],
  ok: boolean,
  meta: Record<string, unknown>,
  compared: boolean,
): string {
  const [a, b] = [f[0] as WorldFigures, f[1]];
  const v = (x: number | null | undefined, unit = '') =>
    x === null || x === undefined ? '–' : `${x}${unit}`;
  const row = (name: string, get: (w: WorldFigures) => string) =>
    `| ${name} | ${get(a)} |${b ? ` ${get(b)} |` : ''}`;
  const lines = [
    `# Simulated evening: ${meta.run as string}`,
    '',
    `Seed ${cfg.seed}; ${cfg.stores} stores, ${cfg.productsPerStore} products each; normal ${cfg.ordersPerHour} orders/h for ${cfg.normalMin} min, then a ${cfg.rushFactor}× rush for ${cfg.rushMin} min, then normal for ${cfg.afterMin} min. ${String(meta.instance ?? '')}`,
    '',
    `**Invariants: ${ok ? 'all held' : 'BROKEN'}.**`,
    '',
    `| | ${a.label} |${b ? ` ${b.label} |` : ''}`,
    `|---|---|${b ? '---|' : ''}`,
    row('customer visits / orders placed', (w) => `${w.orders.visits} / ${w.orders.placed}`),
    row(
      'delivered / canceled / failed / other',
      (w) =>
        `${w.orders.delivered} / ${w.orders.canceled} / ${w.orders.failed} / ${w.orders.other}`,
    ),
    row('orders/min placed in the rush', (w) => v(w.orders_per_min.placed_rush)),
    row('orders/min delivered (rush and after)', (w) =>
      v(w.orders_per_min.delivered_rush_and_after),
    ),
    row(
      'API requests, p50 / p99',
      (w) => `${w.api.requests}, ${v(w.api.p50_ms, ' ms')} / ${v(w.api.p99_ms, ' ms')}`,
    ),
    row(
      'delivery time p50 / p90 / p99',
      (w) => `${v(w.delivery_min.p50)} / ${v(w.delivery_min.p90)} / ${v(w.delivery_min.p99)} min`,
    ),
    row(
      'ETA error at checkout (mean abs): ours / naive',
      (w) => `${v(w.eta_error_min.ours_mae)} / ${v(w.eta_error_min.naive_mae)} min`,
    ),
    row(
      'ETA error p90: ours / naive',
      (w) => `${v(w.eta_error_min.ours_p90)} / ${v(w.eta_error_min.naive_p90)} min`,
    ),
    row(
      'couriers, utilisation, idle per courier',
      (w) =>
        `${w.drivers.count}, ${v(w.drivers.utilisation === null ? null : Math.round(w.drivers.utilisation * 100), ' %')}, ${v(w.drivers.idle_min_mean, ' min')}`,
    ),
    row('offers per assignment', (w) => v(w.offers_per_assignment)),
    row(
      'courier wait at the store p50 / p90',
      (w) => `${v(w.store_wait_min.p50)} / ${v(w.store_wait_min.p90)} min`,
    ),
    row(
      'ready bag waiting for a courier p50 / p90',
      (w) => `${v(w.bag_wait_min.p50)} / ${v(w.bag_wait_min.p90)} min`,
    ),
    row('pickup to door p50 / p90', (w) => `${v(w.ride_min.p50)} / ${v(w.ride_min.p90)} min`),
    '',
    compared
      ? `The second column is the same evening (same seed, same customers, same choices) against a lastmile dispatching greedily: nearest free courier first, offered as soon as the store accepts, no batching.`
      : '',
    '',
    '![orders per minute](orders-per-minute.svg)',
    '![delivery time](delivery-time.svg)',
    '![ETA error](eta-error.svg)',
    '![couriers busy](drivers-busy.svg)',
    '![API latency](api-latency.svg)',
    '',
    '## Invariants',
    '',
    ...f.flatMap((w) => [
      `### ${w.label}`,
      '',
      '| invariant | holds | violations | meaning |',
      '|---|---|---|---|',
      ...w.invariants.map(
        (i) => `| ${i.name} | ${i.ok ? 'yes' : '**no**'} | ${i.violations} | ${i.detail} |`,
      ),
      '',
    ]),
    '## Answers by code',
    '',
    ...f.flatMap((w) => [
      `### ${w.label}`,
      '',
      '| status and code | count |',
      '|---|---|',
      ...Object.entries(w.errors_by_code).map(([k, n]) => `| ${k} | ${n} |`),
      '',
    ]),
    '## What the customers got',
    '',
    ...f.flatMap((w) => [
      `### ${w.label}`,
      '',
      '| outcome | visits |',
      '|---|---|',
      ...Object.entries(w.outcomes).map(([k, n]) => `| ${k} | ${n} |`),
      '',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}
