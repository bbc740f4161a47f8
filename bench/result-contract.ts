import { median } from './load.ts';

// The result contract (ARCHITECTURE.md, Benchmarks): what a benchmark reports and the checks that
// refuse a result breaking it, before it is written or put in the report.

export type Figures = Record<string, number>;

/** The median of the measured runs with the smallest and largest beside it. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** A goal the benchmark is held to: reported as met or missed, never used as a baseline. */
export interface Target {
  /** What is asked, in words: `>= 300 orders/s`. */
  goal: string;
  /** What was measured, in the goal's unit. */
  value: number;
  met: boolean;
}

/** The figure the ratio compares, one value per measured run of each side. */
export interface HeadlineRuns {
  /** A key of `metrics` and of `baseline`. */
  figure: string;
  /** Throughput is better higher (ratio = ours ÷ baseline), latency lower (baseline ÷ ours). */
  better: 'higher' | 'lower';
  /** Our runs and the baseline's, in the order they ran, alternating with each other. */
  ours: number[];
  baseline: number[];
}

/** What a benchmark measures; the harness adds name, quick, machine, timing and the headline. */
export interface BenchFigures {
  scale: Figures;
  /** Our figures, each the median of the runs. */
  metrics: Figures;
  /** What ran as the baseline: a peer library, a textbook implementation or a raw primitive. */
  baseline_name: string;
  /** Only figures measured in this same run, beside ours. */
  baseline: Figures;
  headline: HeadlineRuns;
  /** Further ratios, each named for what it divides (higher is better). */
  ratios?: Figures;
  targets?: Record<string, Target>;
  /** Counts that must all be 0. */
  invariants: Figures;
}

/** `bench/results/<name>.json`: exactly these keys, in this order. */
export interface BenchResult {
  name: string;
  quick: boolean;
  machine: { cpus: number; node: string; platform: string; memory_gb: number };
  scale: Figures;
  /** Measured runs of each side behind the headline (at least MIN_RUNS). */
  runs: number;
  metrics: Figures;
  baseline_name: string;
  baseline: Figures;
  headline: {
    figure: string;
    better: 'higher' | 'lower';
    ours: Spread;
    baseline: Spread;
  };
  /** The one headline ratio: of the two medians, so that higher is better. */
  ratio: number;
  /** The ratio of each pair of runs that ran back to back: its lowest and highest. */
  ratio_range: { min: number; max: number };
  ratios: Figures;
  targets: Record<string, Target>;
  invariants: Figures;
  started_at: string;
  duration_s: number;
}

export const MIN_RUNS = 3;

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

function ratioOf(better: 'higher' | 'lower', ours: number, baseline: number): number {
  if (ours <= 0 || baseline <= 0) return 0;
  return round(better === 'higher' ? ours / baseline : baseline / ours, 3);
}

/**
 * The result of a benchmark's figures: the headline's medians go into metrics and baseline, the
 * ratio is taken of those two medians. Throws when the result breaks the contract.
 */
export function settle(
  f: BenchFigures,
  meta: Pick<BenchResult, 'name' | 'quick' | 'machine' | 'started_at' | 'duration_s'>,
): BenchResult {
  const h = f.headline;
  const ours = spread(h.ours);
  const base = spread(h.baseline);
  const pairs = h.ours.map((o, i) => ratioOf(h.better, o, h.baseline[i] ?? 0));
  const result: BenchResult = {
    name: meta.name,
    quick: meta.quick,
    machine: meta.machine,
    scale: f.scale,
    runs: Math.min(h.ours.length, h.baseline.length),
    // The headline first in the tables, its median whatever the benchmark put there.
    metrics: Object.assign({ [h.figure]: 0 }, f.metrics, { [h.figure]: ours.median }),
    baseline_name: f.baseline_name,
    baseline: Object.assign({ [h.figure]: 0 }, f.baseline, { [h.figure]: base.median }),
    headline: { figure: h.figure, better: h.better, ours, baseline: base },
    ratio: ratioOf(h.better, ours.median, base.median),
    ratio_range: { min: Math.min(...pairs), max: Math.max(...pairs) },
    ratios: f.ratios ?? {},
    targets: f.targets ?? {},
    invariants: f.invariants,
    started_at: meta.started_at,
    duration_s: meta.duration_s,
  };
  const broken = contractErrors(result);
  if (broken.length > 0)
    throw new Error(`${meta.name}: result breaks the contract: ${broken.join('; ')}`);
  return result;
}

function spreadErrors(name: string, s: Spread | undefined): string[] {
  if (!s || ![s.median, s.min, s.max].every(Number.isFinite)) return [`${name}: no min–max`];
  return s.min <= s.median && s.median <= s.max ? [] : [`${name}: median outside min–max`];
}

/** Why a result breaks the contract (empty when it keeps it); also used on saved results. */
export function contractErrors(r: Partial<BenchResult>): string[] {
  const errors: string[] = [];
  if (typeof r.baseline_name !== 'string' || r.baseline_name.trim() === '')
    errors.push('no baseline_name: say what ran as the baseline');
  const h = r.headline;
  if (!h) return [...errors, 'no headline'];
  const base = r.baseline?.[h.figure];
  if (base === undefined || !(base > 0))
    errors.push(`ratio without a measured baseline: baseline.${h.figure} is ${base}`);
  if (r.metrics?.[h.figure] !== h.ours?.median)
    errors.push(`metrics.${h.figure} is not the median of our runs`);
  if (base !== h.baseline?.median)
    errors.push(`baseline.${h.figure} is not the median of its runs`);
  errors.push(
    ...spreadErrors('headline.ours', h.ours),
    ...spreadErrors('headline.baseline', h.baseline),
  );
  if (!(typeof r.runs === 'number' && r.runs >= MIN_RUNS))
    errors.push(`headline from ${r.runs} runs: at least ${MIN_RUNS}, alternating, are needed`);
  if (h.ours && h.baseline && r.ratio !== ratioOf(h.better, h.ours.median, h.baseline.median))
    errors.push('ratio is not the headline medians’ ratio');
  for (const k of Object.keys(r.baseline ?? {}))
    if (/target|goal/i.test(k)) errors.push(`baseline.${k}: targets go under targets`);
  for (const [k, t] of Object.entries(r.targets ?? {}))
    if (typeof t?.goal !== 'string' || typeof t.value !== 'number' || typeof t.met !== 'boolean')
      errors.push(`targets.${k}: needs goal, value and met`);
  return errors;
}
