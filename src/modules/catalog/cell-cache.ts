import { createCache } from '../../platform/cache/cache.ts';
import type { Clock } from '../../platform/context.ts';
import type { KeyValueStore } from '../../platform/kv/port.ts';

export interface CellCache<T> {
  get(cell: bigint, load: () => Promise<T>): Promise<T>;
  /** Drops every process's entries (bumps the shared generation). */
  invalidate(): Promise<void>;
}

/**
 * Per-process cache of values per H3 cell, invalidated across processes by a generation counter in
 * the key-value store (Redis in distributed mode). A process reads the generation at most every
 * `checkMs`, so a change reaches every API process within that time; `ttlMs` bounds staleness
 * even if an invalidation was lost (a crash between commit and bump).
 */
export function createCellCache<T>(opts: {
  kv: KeyValueStore;
  key: string;
  clock: Clock;
  checkMs?: number;
  ttlMs?: number;
  maxEntries?: number;
}): CellCache<T> {
  const checkMs = opts.checkMs ?? 500;
  const entries = createCache<T, bigint>({
    ttlMs: opts.ttlMs ?? 30_000,
    maxEntries: opts.maxEntries ?? 50_000,
    now: () => opts.clock.now(),
  });
  let generation = '0';
  let checkedAt = -Infinity;
  let checking: Promise<void> | null = null;

  // Entries read under an older generation are never served again, nor is a load that began then.
  const adopt = (next: string) => {
    if (next !== generation) entries.clear();
    generation = next;
  };

  async function checkGeneration(): Promise<void> {
    const now = opts.clock.now();
    if (now - checkedAt >= checkMs) {
      checking ??= opts.kv
        .get(opts.key)
        .then((g) => {
          adopt(g ?? '0');
          checkedAt = opts.clock.now();
        })
        .finally(() => {
          checking = null;
        });
      await checking;
    }
  }

  return {
    async get(cell, load) {
      await checkGeneration();
      return entries.get(cell, load);
    },
    async invalidate() {
      const next = String(await opts.kv.increment(opts.key));
      checkedAt = opts.clock.now();
      // Our own change: drop what we hold even if another process already moved the counter.
      entries.clear();
      generation = next;
    },
  };
}
