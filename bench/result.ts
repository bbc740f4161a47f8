import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

export type Figures = Record<string, number>;

export interface Machine {
  cpus: number;
  node: string;
  platform: string;
  memory_gb: number;
}

/** The contract of ARCHITECTURE.md §7: `bench/results/<name>.json` has exactly these keys. */
export interface BenchResult {
  name: string;
  quick: boolean;
  machine: Machine;
  scale: Figures;
  metrics: Figures;
  baseline: Figures;
  /** Our headline figure ÷ the baseline's; higher is better. */
  ratio: number;
  /** Counts that must all be 0. */
  invariants: Figures;
  started_at: string;
  duration_s: number;
}

/** What a benchmark measures; the harness adds name, quick, machine and timing. */
export type BenchFigures = Pick<
  BenchResult,
  'scale' | 'metrics' | 'baseline' | 'ratio' | 'invariants'
>;

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
    metrics: r.metrics,
    baseline: r.baseline,
    ratio: r.ratio,
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
    `  ratio ${r.ratio.toFixed(3)}   invariants ${inv} ${invariantsHold(r) ? 'OK' : 'BROKEN'}   ${r.duration_s.toFixed(1)} s`,
    `  wrote ${path.relative(process.cwd(), file)}`,
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}
