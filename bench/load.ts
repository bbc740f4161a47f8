import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import Fastify from 'fastify';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'autocannon-worker.mjs');

export interface LoadOptions {
  url: string;
  connections: number;
  duration_s: number;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Request a random one of these paths each time instead of `url`'s. */
  paths?: readonly string[];
  /** A fixed offered load in requests/s across all connections (default: as fast as answered). */
  rate?: number;
}

export interface LoadResult {
  rps: number;
  /** How long the run actually lasted (autocannon may stop a little after the asked duration). */
  duration_s: number;
  total: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Runs autocannon against `url` in a child process and returns its figures. The child is plain
 * `node` (no tsx) so the only CPU it takes is the load generation itself.
 */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const args = JSON.stringify({
    url: opts.url,
    connections: opts.connections,
    duration: opts.duration_s,
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    body: opts.body,
    paths: opts.paths,
    overallRate: opts.rate,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0)
        return reject(new Error(`autocannon worker exited with ${code}: ${stderr.trim()}`));
      try {
        resolve(JSON.parse(stdout.trim()) as LoadResult);
      } catch {
        reject(new Error(`autocannon worker printed no result: ${stdout.trim()} ${stderr.trim()}`));
      }
    });
  });
}

/** Median of a list (mean of the middle two when even); the runs are few, so sorting is fine. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** The reference server of the HTTP benchmarks: plain Fastify, one constant JSON route, nothing else. */
export async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

export const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Runs a load-generator script (plain node, so it takes no CPU for compiling) with its options in
 * a temporary JSON file (a fleet's tokens are too long for a command line) and returns the JSON
 * line it prints at the end.
 */
export async function runWorker<T>(script: string, opts: object): Promise<T> {
  return (await startWorker<T>(script, opts)).done;
}

/**
 * Starts a load-generator script as `runWorker` does, for one that runs until told to stop: its
 * options carry `stop`, a file path it watches, and `stop()` creates that file and waits for the
 * result.
 */
export async function startWorker<T>(
  script: string,
  opts: object,
): Promise<{ done: Promise<T>; stop: () => Promise<T> }> {
  const tag = `lastmile-bench-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const file = path.join(os.tmpdir(), `${tag}.json`);
  const stopFile = path.join(os.tmpdir(), `${tag}.stop`);
  await fs.writeFile(file, JSON.stringify({ ...opts, stop: stopFile }));
  const done = new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, [script, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as T);
      } catch {
        reject(new Error(`${path.basename(script)} printed no result: ${out.trim()}`));
      }
    });
  }).finally(() => Promise.all([fs.rm(file, { force: true }), fs.rm(stopFile, { force: true })]));
  return {
    done,
    stop: async () => {
      await fs.writeFile(stopFile, '');
      return done;
    },
  };
}

/**
 * `runs` rounds of one run of ours and one of the baseline, alternating; the side that goes first
 * swaps every round, so drift in the machine (heat, neighbours, a growing table) hits both alike.
 */
export async function alternate<T>(
  runs: number,
  ours: (round: number) => Promise<T>,
  baseline: (round: number) => Promise<T>,
): Promise<{ ours: T[]; baseline: T[] }> {
  const out: { ours: T[]; baseline: T[] } = { ours: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      out.ours.push(await ours(i));
      out.baseline.push(await baseline(i));
    } else {
      out.baseline.push(await baseline(i));
      out.ours.push(await ours(i));
    }
  }
  return out;
}
