import fs from 'node:fs/promises';
import path from 'node:path';
import { demandHash, readEvening } from './evening.ts';

// One run beside an earlier one (`npm run sim -- --compare <run>`, or `lastmile sim compare <a> <b>`):
// per world, the key figures of both with their deltas, and whether both played the same demand.
// Reports are read tolerantly: an older report lacks newer figures, which then compare as unknown.

/** A run's report as the comparison reads it. */
export interface RunReport {
  run: string;
  /** The demand hash of the evening it played (evening.ts), null when it recorded none. */
  evening_sha256: string | null;
  /** report.json's `worlds`. */
  worlds: unknown[];
}

type Better = 'lower' | 'higher' | null;

export interface FigureDelta {
  /** The figure's path in a world of report.json, e.g. `delivery_min.p50`. */
  figure: string;
  earlier: number | null;
  later: number | null;
  /** later − earlier. */
  delta: number | null;
  /** Whether the later run did better, worse or the same, for figures where that has a direction. */
  verdict: 'better' | 'worse' | 'same' | null;
}

export interface RouteDelta {
  route: string;
  earlier_p99_ms: number | null;
  later_p99_ms: number | null;
  delta_ms: number | null;
}

export interface InvariantPair {
  name: string;
  earlier: { ok: boolean; violations: number } | null;
  later: { ok: boolean; violations: number } | null;
}

export interface WorldComparison {
  label: string;
  figures: FigureDelta[];
  route_p99: RouteDelta[];
  invariants: InvariantPair[];
}

export interface Comparison {
  earlier: { run: string; evening_sha256: string | null };
  later: { run: string; evening_sha256: string | null };
  /** Both runs played the same evening; null when a run recorded none. */
  same_demand: boolean | null;
  worlds: WorldComparison[];
}

/** The figures compared, with the direction that is better, and how report.md names them. */
export const KEY_FIGURES: ReadonlyArray<{
  figure: string;
  name: string;
  unit: 'min' | 'ms' | 'share' | '';
  better: Better;
}> = [
  { figure: 'orders.placed', name: 'orders placed', unit: '', better: null },
  { figure: 'orders.delivered', name: 'orders delivered', unit: '', better: 'higher' },
  { figure: 'delivery_min.p50', name: 'delivery time p50', unit: 'min', better: 'lower' },
  { figure: 'delivery_min.p90', name: 'delivery time p90', unit: 'min', better: 'lower' },
  { figure: 'delivery_min.p99', name: 'delivery time p99', unit: 'min', better: 'lower' },
  {
    figure: 'feel.on_time.inside_window',
    name: 'delivered inside the promised window',
    unit: 'share',
    better: 'higher',
  },
  {
    figure: 'feel.on_time.within_end_plus_5',
    name: '… or up to 5 min after its end',
    unit: 'share',
    better: 'higher',
  },
  { figure: 'feel.window_min.p50', name: 'promised window width p50', unit: 'min', better: null },
  {
    figure: 'eta_error_min.ours_mae',
    name: 'ETA error at checkout (mean abs)',
    unit: 'min',
    better: 'lower',
  },
  {
    figure: 'eta_error_min.honest_naive_mae',
    name: 'honest naive ETA error (mean abs)',
    unit: 'min',
    better: null,
  },
  {
    figure: 'feel.couriers.courier_min_per_delivery',
    name: 'courier minutes per delivery',
    unit: 'min',
    better: 'lower',
  },
  {
    figure: 'feel.couriers.orders_per_courier_hour',
    name: 'deliveries per courier-hour',
    unit: '',
    better: 'higher',
  },
  { figure: 'api.p99_ms', name: 'API p99, all routes', unit: 'ms', better: 'lower' },
  { figure: 'feel.route_p99.worst.p99_ms', name: 'slowest route p99', unit: 'ms', better: 'lower' },
];

/** The number at `dotted` in `obj`, or null when it is missing or not a number. */
export function numberAt(obj: unknown, dotted: string): number | null {
  let at: unknown = obj;
  for (const key of dotted.split('.')) {
    if (at === null || typeof at !== 'object') return null;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const diff = (a: number | null, b: number | null) =>
  a === null || b === null ? null : round(b - a);

function verdictOf(delta: number | null, better: Better): FigureDelta['verdict'] {
  if (delta === null || better === null) return null;
  if (delta === 0) return 'same';
  return delta < 0 === (better === 'lower') ? 'better' : 'worse';
}

const labelOf = (w: unknown) => String((w as { label?: unknown } | null)?.label ?? '?');

function routesOf(w: unknown): Map<string, number | null> {
  const byRoute = (w as { api?: { by_route?: Record<string, unknown> } } | null)?.api?.by_route;
  return new Map(Object.entries(byRoute ?? {}).map(([k, r]) => [k, numberAt(r, 'p99_ms')]));
}

function invariantsOf(w: unknown): Map<string, { ok: boolean; violations: number }> {
  const list = (w as { invariants?: unknown } | null)?.invariants;
  return new Map(
    (Array.isArray(list) ? list : []).map(
      (i: { name?: unknown; ok?: unknown; violations?: unknown }) => [
        String(i.name),
        { ok: i.ok === true, violations: typeof i.violations === 'number' ? i.violations : -1 },
      ],
    ),
  );
}

/** One world of both runs (either may be missing: a run without the baseline). */
function compareWorld(label: string, a: unknown, b: unknown): WorldComparison {
  const figures = KEY_FIGURES.map(({ figure, better }) => {
    const [earlier, later] = [numberAt(a, figure), numberAt(b, figure)];
    const delta = diff(earlier, later);
    return { figure, earlier, later, delta, verdict: verdictOf(delta, better) };
  });
  const [ra, rb] = [routesOf(a), routesOf(b)];
  const route_p99 = [...new Set([...ra.keys(), ...rb.keys()])]
    .map((route) => {
      const [x, y] = [ra.get(route) ?? null, rb.get(route) ?? null];
      return { route, earlier_p99_ms: x, later_p99_ms: y, delta_ms: diff(x, y) };
    })
    .sort(
      (p, q) =>
        Math.max(q.earlier_p99_ms ?? 0, q.later_p99_ms ?? 0) -
        Math.max(p.earlier_p99_ms ?? 0, p.later_p99_ms ?? 0),
    );
  const [ia, ib] = [invariantsOf(a), invariantsOf(b)];
  const invariants = [...new Set([...ia.keys(), ...ib.keys()])].map((name) => ({
    name,
    earlier: ia.get(name) ?? null,
    later: ib.get(name) ?? null,
  }));
  return { label, figures, route_p99, invariants };
}

/** `later` beside `earlier`: each world by its label, in the later run's order, then the earlier's others. */
export function compareRuns(earlier: RunReport, later: RunReport): Comparison {
  const labels = [...new Set([...later.worlds.map(labelOf), ...earlier.worlds.map(labelOf)])];
  const find = (r: RunReport, label: string) => r.worlds.find((w) => labelOf(w) === label) ?? null;
  const [ha, hb] = [earlier.evening_sha256, later.evening_sha256];
  return {
    earlier: { run: earlier.run, evening_sha256: ha },
    later: { run: later.run, evening_sha256: hb },
    same_demand: ha === null || hb === null ? null : ha === hb,
    worlds: labels.map((l) => compareWorld(l, find(earlier, l), find(later, l))),
  };
}

/**
 * The run at `target` (its directory, or its report.json) as the comparison reads it; its evening
 * is the one its report names, else the one recorded beside it, else unknown.
 */
export async function loadRun(target: string): Promise<RunReport> {
  const stat = await fs.stat(target).catch(() => null);
  if (!stat) throw new Error(`cannot compare with ${target}: it does not exist`);
  const file = stat.isDirectory() ? path.join(target, 'report.json') : target;
  let doc: { run?: unknown; worlds?: unknown; evening?: { sha256?: unknown } };
  try {
    doc = JSON.parse(await fs.readFile(file, 'utf8')) as typeof doc;
  } catch (err) {
    throw new Error(
      `cannot compare with ${target}: ${file} is not a readable report (${(err as Error).message})`,
    );
  }
  if (!Array.isArray(doc.worlds))
    throw new Error(`cannot compare with ${target}: ${file} has no worlds`);
  const recorded = typeof doc.evening?.sha256 === 'string' ? doc.evening.sha256 : null;
  const beside = recorded
    ? null
    : await readEvening(path.dirname(file)).then(
        ({ evening }) => demandHash(evening),
        () => null,
      );
  return {
    run: typeof doc.run === 'string' ? doc.run : path.basename(path.dirname(path.resolve(file))),
    evening_sha256: recorded ?? beside,
    worlds: doc.worlds,
  };
}
