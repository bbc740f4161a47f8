import type { Command } from 'commander';
import { allModules } from '../modules/index.ts';
import { type RunningPlatform, startPlatform } from '../platform/boot.ts';
import { ConfigError, type ConfigOverrides, loadConfig } from '../platform/config.ts';

/** What the commands of `lastmile` share: failing, the config, whole-number flags, a platform. */

export function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`lastmile: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `lastmile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
}

export function config(overrides: ConfigOverrides) {
  try {
    return loadConfig(process.env, overrides);
  } catch (err) {
    fail(err);
  }
}

/** A whole number from a flag, or a usage error (the command's help and exit code 2, no stack trace). */
export function wholeNumber(
  cmd: Command,
  name: string,
  value: string | undefined,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    cmd.error(`error: ${name} must be a whole number of at least ${min}, got "${value}"`, {
      exitCode: 2,
    });
  return n;
}

/**
 * Runs `work` on a platform with no role (the database, migrated) and stops it after; an error
 * ends the process (`fail`). Resolves to what `work` did.
 */
export async function withDatabase<T>(work: (p: RunningPlatform) => Promise<T>): Promise<T> {
  const cfg = config({});
  try {
    const p = await startPlatform(
      { ...cfg, roles: [] },
      { modules: allModules, workflows: false, listen: false },
    );
    try {
      return await work(p);
    } finally {
      await p.stop();
    }
  } catch (err) {
    fail(err);
  }
}
