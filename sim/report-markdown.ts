import path from 'node:path';
import type { Comparison } from './compare.ts';
import { compareSection } from './compare-markdown.ts';
import type { SimConfig } from './config.ts';
import type { WorldFigures } from './figures.ts';
import { GRACE_MIN } from './quality.ts';
import type { Target } from './targets.ts';

const v = (x: number | null | undefined, unit = '') =>
  x === null || x === undefined ? '–' : `${x}${unit}`;

const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000) / 10} %`);

/** What report.md says of the run besides its figures (report.ts's ReportMeta). */
interface Meta {
  run: string;
  instance?: string;
  evening?: { file: string; sha256: string; replay_of: string | null };
}

/** Where the evening came from and how to play it again. */
function eveningLine(meta: Meta): string {
  const e = meta.evening;
  if (!e) return '';
  const demand = `demand ${e.sha256.slice(0, 12)}`;
  return e.replay_of
    ? `The evening is replayed from \`${e.replay_of}\` and recorded again in \`${e.file}\` (${demand}).`
    : `The evening is recorded in \`${e.file}\` (${demand}): \`npm run sim -- --replay ${path.dirname(e.file)}\` plays it again.`;
}

/**
 * report.md: the summary table, what customers and couriers feel, the targets, the comparison
 * with an earlier run (if asked), the plots, then each world's invariants, answers, outcomes and
 * API p99 by route.
 */
export function markdown(
  cfg: SimConfig,
  f: WorldFigures[],
  ok: boolean,
  meta: Meta,
  targets: Target[],
  compare: Comparison | null = null,
): string {
  const [a, b] = [f[0] as WorldFigures, f[1]];
  const compared = b !== undefined;
  const lines = [
    `# Simulated evening: ${meta.run}`,
    '',
    `Seed ${cfg.seed}; ${cfg.stores} stores, ${cfg.productsPerStore} products each; normal ${cfg.ordersPerHour} orders/h for ${cfg.normalMin} min, then a ${cfg.rushFactor}× rush for ${cfg.rushMin} min, then normal for ${cfg.afterMin} min. ${meta.instance ?? ''}`,
    '',
    ...(meta.evening ? [eveningLine(meta), ''] : []),
    `**Invariants: ${ok ? 'all held' : 'BROKEN'}.**`,
    '',
    `| | ${a.label} |${b ? ` ${b.label} |` : ''}`,
    `|---|---|${b ? '---|' : ''}`,
    ...summaryRows(a, b),
    '',
    compared
      ? `The second column is the same evening (same seed, same customers, same choices) against a lastmile dispatching greedily: nearest free courier first, offered as soon as the store accepts, no batching.`
      : '',
    '',
    ...feelSection(a, b),
    ...weatherSection(a, b),
    ...targetSection(targets, a.label),
    ...(compare ? compareSection(compare) : []),
    '![orders per minute](orders-per-minute.svg)',
    '![delivery time](delivery-time.svg)',
    '![on time](on-time.svg)',
    '![ETA error](eta-error.svg)',
    '![couriers busy](drivers-busy.svg)',
    '![API latency](api-latency.svg)',
    '',
    ...section('Invariants', f, ['invariant', 'holds', 'violations', 'meaning'], (w) =>
      w.invariants.map((i) => [i.name, i.ok ? 'yes' : '**no**', String(i.violations), i.detail]),
    ),
    ...section('Answers by code', f, ['status and code', 'count'], (w) =>
      Object.entries(w.errors_by_code).map(([k, n]) => [k, String(n)]),
    ),
    ...section('What the apps heard on their sockets', f, ['channel and message', 'count'], (w) =>
      Object.entries(w.pushes).map(([k, n]) => [k, String(n)]),
    ),
    ...section('What the customers got', f, ['outcome', 'visits'], (w) =>
      Object.entries(w.outcomes).map(([k, n]) => [k, String(n)]),
    ),
    ...section('API latency by route', f, ['route', 'requests', 'p50', 'p99'], (w) =>
      Object.entries(w.api.by_route).map(([k, r]) => [
        k,
        String(r.n),
        v(r.p50_ms, ' ms'),
        v(r.p99_ms, ' ms'),
      ]),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** One row per figure, a column per world. */
function summaryRows(a: WorldFigures, b: WorldFigures | undefined): string[] {
  const row = (name: string, get: (w: WorldFigures) => string) =>
    `| ${name} | ${get(a)} |${b ? ` ${get(b)} |` : ''}`;
  return [
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
      "the simulator's own event-loop delay p99 / max (inside every latency)",
      (w) => `${w.api.sim_loop_delay_ms.p99} / ${w.api.sim_loop_delay_ms.max} ms`,
    ),
    row(
      'delivery time p50 / p90 / p99',
      (w) => `${v(w.delivery_min.p50)} / ${v(w.delivery_min.p90)} / ${v(w.delivery_min.p99)} min`,
    ),
    row(
      'ETA error at checkout (mean abs): ours / old naive',
      (w) => `${v(w.eta_error_min.ours_mae)} / ${v(w.eta_error_min.naive_mae)} min`,
    ),
    row(
      'ETA error p90: ours / old naive',
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
  ];
}

/** Customers' and couriers' side of the evening, a column per world. */
function feelSection(a: WorldFigures, b: WorldFigures | undefined): string[] {
  const row = (name: string, get: (w: WorldFigures) => string) =>
    `| ${name} | ${get(a)} |${b ? ` ${get(b)} |` : ''}`;
  const two = (x: { p50: number | null; p90: number | null }) => `${v(x.p50)} / ${v(x.p90)} min`;
  return [
    '## What customers and couriers feel',
    '',
    `| | ${a.label} |${b ? ` ${b.label} |` : ''}`,
    `|---|---|${b ? '---|' : ''}`,
    row(
      'delivered inside the promised window',
      (w) => `${pct(w.feel.on_time.inside_window)} of ${w.feel.on_time.orders}`,
    ),
    row(`… or up to ${GRACE_MIN} min after its end`, (w) => pct(w.feel.on_time.within_end_plus_5)),
    row('early / late', (w) => `${pct(w.feel.on_time.early)} / ${pct(w.feel.on_time.late)}`),
    row('how late, p90 of the late ones', (w) => v(w.feel.on_time.late_p90_min, ' min')),
    row('promised window width p50 / p90', (w) => two(w.feel.window_min)),
    row(
      'delivery time p50 / p90 / p99',
      (w) => `${v(w.delivery_min.p50)} / ${v(w.delivery_min.p90)} / ${v(w.delivery_min.p99)} min`,
    ),
    row(
      'ETA error at checkout (mean abs): ours / honest naive / old naive',
      (w) =>
        `${v(w.eta_error_min.ours_mae)} / ${v(w.eta_error_min.honest_naive_mae)} / ${v(w.eta_error_min.naive_mae)} min`,
    ),
    row('couriers idle (share of shift time)', (w) => pct(w.feel.couriers.idle_share)),
    row('courier idle before a trip p50 / p90', (w) => two(w.feel.couriers.idle_gap_min)),
    row('courier wait at the counter p50 / p90', (w) => two(w.store_wait_min)),
    row('courier minutes on trips per delivery', (w) =>
      v(w.feel.couriers.courier_min_per_delivery),
    ),
    row('deliveries per courier-hour on shift', (w) => v(w.feel.couriers.orders_per_courier_hour)),
    row('deliveries per trip', (w) => v(w.feel.couriers.deliveries_per_trip)),
    '',
    `The honest naive ETA is the store's mean preparation seen this evening (accepted → ready) plus the straight-line distance at the fleet's mean speed (${a.eta_error_min.fleet_speed_mps} m/s); the old one is the store's configured preparation plus the distance at 5 m/s.`,
    '',
  ];
}

/** The rain and the traffic, and the ETA inside and outside the rain, a column per world. */
function weatherSection(a: WorldFigures, b: WorldFigures | undefined): string[] {
  const row = (name: string, get: (w: WorldFigures) => string) =>
    `| ${name} | ${get(a)} |${b ? ` ${get(b)} |` : ''}`;
  const both = (get: (s: WorldFigures['weather']['dry']) => string) => (w: WorldFigures) =>
    `${get(w.weather.in_rain)} / ${get(w.weather.dry)}`;
  const { rain, traffic } = a.weather;
  const told = [
    rain
      ? `rain from minute ${rain.from_min} to ${rain.until_min} of the evening (travel time ×${rain.slowdown.bike} on a bike, ×${rain.slowdown.scooter} on a scooter, ×${rain.slowdown.car} in a car)`
      : 'no rain',
    traffic
      ? `traffic ×${traffic.factor} in the centre's zone (${traffic.zone}) from minute ${traffic.from_min} to ${traffic.until_min}`
      : 'no traffic',
  ];
  return [
    '## Weather and traffic',
    '',
    `The world had ${told.join(', and ')}; the simulated services reported them to lastmile (\`PUT /v1/ops/conditions\`): the traffic as it began, the rain ${rain?.forecast_min ? `${rain.forecast_min} min before it fell (a forecast of its start and end)` : 'as it fell'}, saying only "rain" (lastmile learns its slowdown from the rides). An order counts as in the rain when the middle of its ride (pickup to door) was.`,
    '',
    `| in the rain / outside | ${a.label} |${b ? ` ${b.label} |` : ''}`,
    `|---|---|${b ? '---|' : ''}`,
    row(
      'delivered orders',
      both((s) => String(s.orders)),
    ),
    row(
      'ETA error at checkout (mean abs), ours',
      both((s) => v(s.eta_mae_min.ours, ' min')),
    ),
    row(
      '… honest naive',
      both((s) => v(s.eta_mae_min.honest_naive, ' min')),
    ),
    row(
      'delivered inside the promised window',
      both((s) => pct(s.inside_window)),
    ),
    row(
      'promised window width p50',
      both((s) => v(s.window_p50_min, ' min')),
    ),
    row(
      'pickup to door p50',
      both((s) => v(s.ride_p50_min, ' min')),
    ),
    '',
  ];
}

/** The issue's targets for lastmile: met, missed, or not judged. */
function targetSection(targets: Target[], label: string): string[] {
  const verdict = (t: Target) => (t.met === null ? 'not judged' : t.met ? 'met' : '**missed**');
  return [
    '## Targets',
    '',
    `| goal | ${label} | |`,
    '|---|---|---|',
    ...targets.map((t) => `| ${t.goal} | ${t.ours} | ${verdict(t)} |`),
    '',
  ];
}

/** `## title`, then a table per world under `### label`. */
function section(
  title: string,
  f: WorldFigures[],
  header: string[],
  rowsOf: (w: WorldFigures) => string[][],
): string[] {
  return [
    `## ${title}`,
    '',
    ...f.flatMap((w) => [
      `### ${w.label}`,
      '',
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---|').join('')}`,
      ...rowsOf(w).map((cells) => `| ${cells.join(' | ')} |`),
      '',
    ]),
  ];
}
