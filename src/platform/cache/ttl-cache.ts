/**
 * In-process cache with a time to live and a size bound, for hot reads that may be a few seconds
 * stale. Concurrent misses for one key share one load, so a hot key expiring under load costs one
 * query, not one per waiting request.
 */
export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  delete(key: string): void;
  clear(): void;
}

export function createTtlCache<T>(opts: { ttlMs: number; maxEntries: number; now?: () => number }): TtlCache<T> {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { value: T; until: number }>();
  const loading = new Map<string, Promise<T>>();
  return {
    async get(key, load) {
      const hit = entries.get(key);
      if (hit && hit.until > now()) return hit.value;
      const pending = loading.get(key);
      if (pending) return pending;
      const p = load()
        .then((value) => {
          if (entries.size >= opts.maxEntries) {
            const oldest = entries.keys().next();
            if (!oldest.done) entries.delete(oldest.value);
          }
          entries.set(key, { value, until: now() + opts.ttlMs });
          return value;
        })
        .finally(() => loading.delete(key));
      loading.set(key, p);
      return p;
    },
    delete: (key) => {
      entries.delete(key);
    },
    clear: () => entries.clear(),
  };
}
