import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFigures, BenchResult } from './result-contract.ts';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

export {
  type BenchFigures,
  type BenchResult,
  contractErrors,
  type Figures,
  MIN_RUNS,
  settle,
  type Target,
} from './result-contract.ts';

export type Machine = BenchResult['machine'];

export interface ChartBar {
  label: string;
  value: number;
  /** Baseline bars are drawn grey, ours in colour. */
  baseline: boolean;
}

export interface Benchmark {
  name: string;
  description: string;
  run(quick: boolean): Promise<BenchFigures>;
  /** The bars of this benchmark's chart in REPORT.md, and the unit they share. */
  chart(result: BenchResult): { unit: string; bars: ChartBar[] };
}

export function machineInfo(): Machine {
  return {
    cpus: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()}-${os.arch()}`,
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}

export function invariantsHold(r: BenchResult): boolean {
  return Object.values(r.invariants).every((v) => v === 0);
}

export async function writeResult(r: BenchResult): Promise<string> {
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${r.name}.json`);
  // Keys written in the contract's order, whatever order the benchmark built them in.
  const ordered: BenchResult = {
    name: r.name,
    quick: r.quick,
    machine: r.machine,
    scale: r.scale,
    runs: r.runs,
    metrics: r.metrics,
    baseline_name: r.baseline_name,
    baseline: r.baseline,
    headline: r.headline,
    ratio: r.ratio,
    ratio_range: r.ratio_range,
    ratios: r.ratios,
    targets: r.targets,
    invariants: r.invariants,
    started_at: r.started_at,
    duration_s: r.duration_s,
  };
  await fs.writeFile(file, `${JSON.stringify(ordered, null, 2)}\n`);
  return file;
}

/** Latencies (`*_ms`) always with two decimals so columns line up; counts and rates as integers. */
export function formatNumber(n: number | undefined, key = ''): string {
  if (n === undefined) return '—';
  if (key.endsWith('_ms')) return n.toFixed(2);
  if (Number.isInteger(n) || Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

/** Rows of figure / ours / baseline, shared by the stdout table and REPORT.md. */
export function figureRows(r: BenchResult): Array<[string, string, string]> {
  const keys = [...new Set([...Object.keys(r.metrics), ...Object.keys(r.baseline)])];
  return keys.map((k) => [k, formatNumber(r.metrics[k], k), formatNumber(r.baseline[k], k)]);
}

/** The headline, its min–max, the other ratios and the targets, one line each. */
export function headlineLines(r: BenchResult): string[] {
  const h = r.headline;
  const f = (n: number) => formatNumber(n, h.figure);
  const side = (s: BenchResult['headline']['ours']) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
  const lines = [
    `headline ${h.figure} (${h.better} is better), median of ${r.runs} alternating runs (min–max): ` +
      `ours ${side(h.ours)}, baseline ${side(h.baseline)}`,
    `ratio ${r.ratio.toFixed(3)} (run pairs ${r.ratio_range.min.toFixed(3)}–${r.ratio_range.max.toFixed(3)})`,
  ];
  const ratios = Object.entries(r.ratios).map(([k, v]) => `${k} ${v.toFixed(3)}`);
  if (ratios.length > 0) lines.push(`other ratios: ${ratios.join(', ')}`);
  for (const [k, t] of Object.entries(r.targets))
    lines.push(
      `target ${k}: ${t.goal}, measured ${formatNumber(t.value, k)}: ${t.met ? 'met' : 'MISSED'}`,
    );
  return lines;
}

export function printResult(r: BenchResult, file: string): void {
  const rows: Array<[string, string, string]> = [['figure', 'ours', 'baseline'], ...figureRows(r)];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i as 0 | 1 | 2].length)));
  const line = (row: [string, string, string]) =>
    `  ${row[0].padEnd(widths[0] ?? 0)}  ${row[1].padStart(widths[1] ?? 0)}  ${row[2].padStart(widths[2] ?? 0)}`;
  const scale = Object.entries(r.scale)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const inv = Object.entries(r.invariants)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const out = [
    '',
    `${r.name}${r.quick ? ' (quick)' : ''}: ${scale} on ${r.machine.cpus} cpus, node ${r.machine.node}`,
    line(rows[0] as [string, string, string]),
    ...rows.slice(1).map(line),
    `  baseline: ${r.baseline_name}`,
    ...headlineLines(r).map((l) => `  ${l}`),
    `  invariants ${inv} ${invariantsHold(r) ? 'OK' : 'BROKEN'}   ${r.duration_s.toFixed(1)} s`,
    `  wrote ${path.relative(process.cwd(), file)}`,
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
