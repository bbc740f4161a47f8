import path from 'node:path';
import { allModules } from '../src/modules/index.ts';
import { type RunningPlatform, startPlatform } from '../src/platform/boot.ts';
import { loadConfig } from '../src/platform/config.ts';
import { BENCH_DIR } from './result.ts';

/**
 * A migrated database for direct-call benchmarks: DATABASE_URL when set, else embedded Postgres in
 * `.lastmile/bench` (apart from a dev instance's data). No role runs: no HTTP, no consumers.
 */
export async function startBenchDatabase(poolSize: number): Promise<RunningPlatform> {
  const config = loadConfig(
    { ...process.env, LOG_LEVEL: 'silent', LASTMILE_DB_POOL: String(poolSize), LASTMILE_NAMESPACE: process.env.LASTMILE_NAMESPACE || 'lastmile_bench' },
    { dataDir: path.join(BENCH_DIR, '..', '.lastmile', 'bench') },
  );
  return startPlatform({ ...config, roles: [] }, { modules: allModules, workflows: false, listen: false });
}

/** Latency percentiles from raw samples (ms). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
