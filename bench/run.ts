import fs from 'node:fs/promises';
import path from 'node:path';
import { consoleBench } from './console.bench.ts';
import { dispatchBench } from './dispatch.bench.ts';
import { httpBench } from './http.bench.ts';
import { ingestBench } from './ingest.bench.ts';
import { nearbyBench } from './nearby.bench.ts';
import { ordersBench } from './orders.bench.ts';
import { ratelimitBench } from './ratelimit.bench.ts';
import { reserveBench } from './reserve.bench.ts';
import { trackingBench } from './tracking.bench.ts';
import { type ReportEntry, writeReport } from './report.ts';
import {
  type Benchmark,
  type BenchResult,
  contractErrors,
  invariantsHold,
  machineInfo,
  printResult,
  RESULTS_DIR,
  settle,
  writeResult,
} from './result.ts';

/** Every benchmark by name; `all` runs them in this order. */
const BENCHMARKS: ReadonlyMap<string, Benchmark> = new Map([
  [httpBench.name, httpBench],
  [reserveBench.name, reserveBench],
  [ordersBench.name, ordersBench],
  [nearbyBench.name, nearbyBench],
  [ingestBench.name, ingestBench],
  [dispatchBench.name, dispatchBench],
  [trackingBench.name, trackingBench],
  [ratelimitBench.name, ratelimitBench],
  [consoleBench.name, consoleBench],
]);

export function benchmarkNames(): string[] {
  return [...BENCHMARKS.keys()];
}

async function runOne(bench: Benchmark, quick: boolean): Promise<BenchResult> {
  const started = new Date();
  const t0 = performance.now();
  const figures = await bench.run(quick);
  // settle refuses a result that breaks the contract (no baseline_name, too few runs, …).
  const result = settle(figures, {
    name: bench.name,
    quick,
    machine: machineInfo(),
    started_at: started.toISOString(),
    duration_s: Math.round((performance.now() - t0) / 100) / 10,
  });
  printResult(result, await writeResult(result));
  return result;
}

/** The last result of each benchmark in bench/results, quick or full, as it was written. */
async function savedEntries(): Promise<ReportEntry[]> {
  return Promise.all(
    [...BENCHMARKS.values()].map(async (bench): Promise<ReportEntry> => {
      try {
        const result = JSON.parse(
          await fs.readFile(path.join(RESULTS_DIR, `${bench.name}.json`), 'utf8'),
        ) as BenchResult;
        const broken = contractErrors(result);
        if (broken.length > 0)
          return { bench, error: `saved result breaks the contract: ${broken.join('; ')}` };
        return { bench, result };
      } catch (err) {
        return {
          bench,
          error: `no saved result (${err instanceof Error ? err.message : String(err)})`,
        };
      }
    }),
  );
}

/**
 * Runs one benchmark, or `all` in sequence followed by bench/REPORT.md. A broken invariant fails the
 * command after the result is written; under `all` a failing benchmark is recorded in the report and
 * the rest still run, and the command fails at the end.
 */
export async function runBench(name: string, quick: boolean): Promise<void> {
  if (name === 'report') {
    const report = await writeReport(
      await savedEntries(),
      'npm run bench -- report (from bench/results)',
    );
    process.stdout.write(`wrote ${path.relative(process.cwd(), report)}\n`);
    return;
  }
  if (name !== 'all') {
    const bench = BENCHMARKS.get(name);
    if (!bench)
      throw new Error(
        `unknown benchmark "${name}"; known: ${[...benchmarkNames(), 'all'].join(', ')}`,
      );
    const result = await runOne(bench, quick);
    if (!invariantsHold(result))
      throw new Error(`${name}: invariants broken: ${JSON.stringify(result.invariants)}`);
    return;
  }
  const entries: ReportEntry[] = [];
  for (const bench of BENCHMARKS.values()) {
    try {
      entries.push({ bench, result: await runOne(bench, quick) });
    } catch (err) {
      process.stderr.write(
        `bench ${bench.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      entries.push({ bench, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const report = await writeReport(entries, `npm run bench -- all${quick ? ' --quick' : ''}`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), report)}\n`);
  const failed = entries
    .filter((e) => !e.result || !invariantsHold(e.result))
    .map((e) => e.bench.name);
  if (failed.length > 0)
    throw new Error(`benchmarks failed or broke an invariant: ${failed.join(', ')}`);
}
