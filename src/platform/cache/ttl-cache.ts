/**
 * In-process cache with a time to live and a size bound, for hot reads that may be a few seconds
 * stale. Concurrent misses for one key share one load, so a hot key expiring under load costs one
 * query, not one per waiting request.
 *
 * With `refreshAfterMs`, a hit on an entry older than that starts one reload in the background and
 * is answered from the entry, so a key read steadily never makes a caller wait for the database.
 * Only entries read at least twice since they were loaded are refreshed: a key read once in a
 * while would otherwise cost a reload per read. The bound on staleness stays `ttlMs`: an entry
 * past it is never served.
 */
export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  delete(key: string): void;
  clear(): void;
}

export function createTtlCache<T>(opts: { ttlMs: number; maxEntries: number; refreshAfterMs?: number; now?: () => number }): TtlCache<T> {
  const now = opts.now ?? Date.now;
  const refreshAfterMs = opts.refreshAfterMs ?? opts.ttlMs;
  const entries = new Map<string, { value: T; at: number; hits: number }>();
  const loading = new Map<string, Promise<T>>();
  // Bumped by delete/clear so a load that started before them does not store what it read.
  let epoch = 0;

  function load(key: string, loader: () => Promise<T>): Promise<T> {
    const pending = loading.get(key);
    if (pending) return pending;
    const startedAt = now();
    const startedEpoch = epoch;
    const p = loader()
      .then((value) => {
        if (startedEpoch === epoch) {
          if (!entries.has(key) && entries.size >= opts.maxEntries) {
            const oldest = entries.keys().next();
            if (!oldest.done) entries.delete(oldest.value);
          }
          // Aged from when the read began: the data is at least that old.
          entries.set(key, { value, at: startedAt, hits: 0 });
        }
        return value;
      })
      .finally(() => loading.delete(key));
    loading.set(key, p);
    return p;
  }

  return {
    async get(key, loader) {
      const hit = entries.get(key);
      if (hit) {
        const age = now() - hit.at;
        if (age < opts.ttlMs) {
          hit.hits += 1;
          if (age >= refreshAfterMs && hit.hits >= 2 && !loading.has(key)) {
            // A failed background refresh leaves the entry to expire; the next caller loads in line.
            load(key, loader).catch(() => undefined);
          }
          return hit.value;
        }
      }
      return load(key, loader);
    },
    delete: (key) => {
      entries.delete(key);
      loading.delete(key);
      epoch += 1;
    },
    clear: () => {
      entries.clear();
      loading.clear();
      epoch += 1;
    },
  };
}
