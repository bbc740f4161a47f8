import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '../../platform/observability/logger.ts';
import { type CompiledPolicy, compilePolicy, DEFAULT_POLICY, PolicyError } from './policy.ts';

export interface PolicySource {
  /** The policy in force now. */
  current(): CompiledPolicy;
  /** Where it came from and when it was last loaded. */
  describe(): { source: string; loaded_at: string; reloads: number; last_error: string | null };
  stop(): void;
}

function readPolicy(file: string): CompiledPolicy {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PolicyError(`rate-limit policy: cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new PolicyError(`rate-limit policy: ${file} is not JSON: ${(err as Error).message}`);
  }
  return compilePolicy(parsed);
}

/**
 * The built-in policy, or a file read at start (a bad file stops the start) and re-read whenever
 * it changes: the new policy applies to the next request in this process, with no restart. A bad
 * edit is logged and the policy in force stays.
 */
export function openPolicySource(opts: {
  file?: string;
  logger: Logger;
  pollMs?: number;
}): PolicySource {
  const { file, logger } = opts;
  if (!file) {
    const policy = compilePolicy(DEFAULT_POLICY);
    const loadedAt = new Date().toISOString();
    return {
      current: () => policy,
      describe: () => ({ source: 'built-in', loaded_at: loadedAt, reloads: 0, last_error: null }),
      stop: () => undefined,
    };
  }
  let policy = readPolicy(file);
  let loadedAt = new Date().toISOString();
  let reloads = 0;
  let lastError: string | null = null;
  const onChange = (now: { mtimeMs: number }, before: { mtimeMs: number }) => {
    if (now.mtimeMs === before.mtimeMs) return;
    try {
      policy = readPolicy(file);
      loadedAt = new Date().toISOString();
      reloads += 1;
      lastError = null;
      logger.info({ file }, 'rate-limit policy reloaded');
    } catch (err) {
      lastError = (err as Error).message;
      logger.error(
        { file, err: lastError },
        'rate-limit policy not reloaded; the previous one stays in force',
      );
    }
  };
  // Polling the file's mtime works the same on every file system and with editors that replace it.
  watchFile(file, { interval: opts.pollMs ?? 500, persistent: false }, onChange);
  return {
    current: () => policy,
    describe: () => ({ source: file, loaded_at: loadedAt, reloads, last_error: lastError }),
    stop: () => unwatchFile(file, onChange),
  };
}
