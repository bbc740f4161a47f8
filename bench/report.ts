import fs from 'node:fs/promises';
import path from 'node:path';
import { barChart } from './chart.ts';
import {
  BENCH_DIR,
  type Benchmark,
  type BenchResult,
  figureRows,
  headlineLines,
  invariantsHold,
  RESULTS_DIR,
} from './result.ts';

export interface ReportEntry {
  bench: Benchmark;
  result?: BenchResult;
  error?: string;
}

/** A Markdown table with padded columns, readable as plain text too. */
function markdownTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) =>
    Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  // First column text, the rest numbers (right-aligned).
  const cell = (v: string, i: number) =>
    i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0);
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)];
}

function table(r: BenchResult): string {
  const inv = Object.entries(r.invariants)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  const scale = Object.entries(r.scale)
    .map(([k, v]) => `${k} = ${v}`)
    .join(', ');
  return [
    ...markdownTable(['figure', 'ours', 'baseline'], figureRows(r)),
    '',
    `Baseline: ${r.baseline_name}.`,
    '',
    ...headlineLines(r).map((l, i) => (i === 1 ? `- **${l}**` : `- ${l}`)),
    `- invariants: ${inv} (${invariantsHold(r) ? 'all 0 ✓' : '**BROKEN**'}) · scale: ${scale} · ${r.duration_s.toFixed(1)} s`,
  ].join('\n');
}

/** Which sections ran quick (smaller scale, shorter runs) and which at full scale. */
function scaleNote(entries: readonly ReportEntry[]): string {
  const names = (quick: boolean) =>
    entries.filter((e) => e.result?.quick === quick).map((e) => `\`${e.bench.name}\``);
  const quick = names(true);
  const full = names(false);
  if (quick.length === 0) return 'Every section ran at full scale.';
  const note = `Quick runs (smaller scale, shorter runs; read the ratios, not the absolute figures): ${quick.join(', ')}.`;
  return full.length > 0 ? `${note} Full scale: ${full.join(', ')}.` : note;
}

/**
 * Writes one SVG per benchmark and `bench/REPORT.md` linking them; returns the report's path.
 * `command` is what produced the figures (each section also says whether it ran quick).
 */
export async function writeReport(
  entries: readonly ReportEntry[],
  command: string,
): Promise<string> {
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  const first = entries.find((e) => e.result)?.result;
  const m = first?.machine;
  const parts = [
    '# lastmile benchmarks',
    '',
    `Written by \`${command}\` on ${new Date().toISOString()}.`,
    m ? `Machine: ${m.cpus} cpus, ${m.memory_gb} GB, ${m.platform}, node ${m.node}.` : '',
    scaleNote(entries),
    '',
    'Every baseline ran in the same run, beside our code: a peer library, a textbook implementation',
    'or a raw primitive, named under each table. Each section has one headline figure: the median of',
    'at least 3 runs alternating ours and the baseline, with the lowest and highest run beside it',
    '(never the best run). The ratio divides the two medians so that higher is better (ours ÷',
    'baseline for throughput, baseline ÷ ours for latency); its range is that of the run pairs. Other',
    'ratios are named. Targets are goals, reported as met or missed; no ratio is taken against one.',
    'Percentiles come from an HdrHistogram (hdr-histogram-js). Every invariant must be 0. Compare',
    'ratios, not absolute figures, across machines.',
    '',
  ];
  for (const { bench, result, error } of entries) {
    if (!result) {
      parts.push(
        `## ${bench.name}`,
        '',
        bench.description,
        '',
        `**Failed:** ${error ?? 'no result'}`,
        '',
      );
      continue;
    }
    parts.push(
      `## ${bench.name} (${result.quick ? 'quick' : 'full scale'})`,
      '',
      bench.description,
      '',
      `Ran ${result.started_at}.`,
      '',
    );
    const { unit, bars } = bench.chart(result);
    // Charts sit beside REPORT.md (committed with it), not in the ignored results folder.
    const svg = path.join(BENCH_DIR, 'charts', `${bench.name}.svg`);
    await fs.mkdir(path.dirname(svg), { recursive: true });
    await fs.writeFile(
      svg,
      barChart(
        `${bench.name}${result.quick ? ' (quick)' : ''} · ratio ${result.ratio.toFixed(3)}`,
        unit,
        bars,
      ),
    );
    const rel = path.relative(BENCH_DIR, svg).split(path.sep).join('/');
    parts.push(table(result), '', `![${bench.name} chart](${rel})`, '');
  }
  const file = path.join(BENCH_DIR, 'REPORT.md');
  const text = parts.filter((p, i) => p !== '' || parts[i - 1] !== '').join('\n');
  await fs.writeFile(file, `${text.trimEnd()}\n`);
  return file;
}
