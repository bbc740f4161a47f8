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
  const ttlMs = opts.ttlMs ?? 30_000;
  const maxEntries = opts.maxEntries ?? 50_000;
  const entries = new Map<bigint, { value: T; generation: string; at: number }>();
  let generation = '0';
  let checkedAt = -Infinity;
  let checking: Promise<void> | null = null;

  async function currentGeneration(): Promise<string> {
    const now = opts.clock.now();
    if (now - checkedAt >= checkMs) {
      checking ??= opts.kv
        .get(opts.key)
        .then((g) => {
          generation = g ?? '0';
          checkedAt = opts.clock.now();
        })
        .finally(() => {
          checking = null;
        });
      await checking;
    }
    return generation;
  }

  return {
    async get(cell, load) {
      const gen = await currentGeneration();
      const hit = entries.get(cell);
      if (hit && hit.generation === gen && opts.clock.now() - hit.at < ttlMs) return hit.value;
      const value = await load();
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as bigint);
      entries.set(cell, { value, generation: gen, at: opts.clock.now() });
      return value;
    },
    async invalidate() {
      generation = String(await opts.kv.increment(opts.key));
      checkedAt = opts.clock.now();
      entries.clear();
    },
  };
}
