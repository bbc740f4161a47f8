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
 *
 * With `tagOf`, entries can be marked stale by tag when what they were read from changed (a
 * store's stock): the next hit reloads in the background and the old entry is served for at most
 * `graceMs` more. A load that began before the mark stores its value still marked, so it is read
 * again too.
 */
export interface TtlCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
  delete(key: string): void;
  clear(): void;
  /** Entries under these tags (every entry with `'all'`) must be read again; served `graceMs` more at most. */
  markStale(tags: readonly string[] | 'all', graceMs: number): void;
}

interface Entry<T> {
  value: T;
  at: number;
  hits: number;
  /** A change to what it was read from was signalled: read it again. */
  stale: boolean;
  /** Served until then at the latest (the time to live, shortened by a stale mark). */
  until: number;
}

export function createTtlCache<T>(opts: {
  ttlMs: number;
  maxEntries: number;
  refreshAfterMs?: number;
  now?: () => number;
  tagOf?: (key: string) => string;
}): TtlCache<T> {
  const now = opts.now ?? Date.now;
  const refreshAfterMs = opts.refreshAfterMs ?? opts.ttlMs;
  const entries = new Map<string, Entry<T>>();
  const loading = new Map<string, Promise<T>>();
  // Stale marks that arrived while a key was loading (the loaded value predates them): served until.
  const marksWhileLoading = new Map<string, number>();
  const byTag = new Map<string, Set<string>>();
  // Bumped by delete/clear so a load that started before them does not store what it read.
  let epoch = 0;

  function index(key: string) {
    if (!opts.tagOf) return;
    const tag = opts.tagOf(key);
    let keys = byTag.get(tag);
    if (!keys) byTag.set(tag, (keys = new Set()));
    keys.add(key);
  }
  function unindex(key: string) {
    if (!opts.tagOf) return;
    const tag = opts.tagOf(key);
    const keys = byTag.get(tag);
    if (keys?.delete(key) && keys.size === 0) byTag.delete(tag);
  }
  function drop(key: string) {
    if (entries.delete(key) && !loading.has(key)) unindex(key);
  }

  function load(key: string, loader: () => Promise<T>): Promise<T> {
    const pending = loading.get(key);
    if (pending) return pending;
    const startedAt = now();
    const startedEpoch = epoch;
    // Indexed from the start, so a stale mark reaches a first load still in flight.
    index(key);
    let started: Promise<T>;
    try {
      started = loader();
    } catch (err) {
      started = Promise.reject(err);
    }
    const p = started
      .then((value) => {
        if (startedEpoch === epoch) {
          if (!entries.has(key) && entries.size >= opts.maxEntries) {
            const oldest = entries.keys().next();
            if (!oldest.done) drop(oldest.value);
          }
          // Aged from when the read began: the data is at least that old.
          const markedUntil = marksWhileLoading.get(key);
          entries.set(key, {
            value,
            at: startedAt,
            hits: 0,
            stale: markedUntil !== undefined,
            until: Math.min(startedAt + opts.ttlMs, markedUntil ?? Number.POSITIVE_INFINITY),
          });
        }
        return value;
      })
      .finally(() => {
        // A delete() meanwhile may have let a newer load take the key: leave that one alone.
        if (loading.get(key) === p) {
          loading.delete(key);
          marksWhileLoading.delete(key);
        }
        if (!entries.has(key) && !loading.has(key)) unindex(key);
      });
    loading.set(key, p);
    return p;
  }

  function mark(key: string, until: number) {
    const e = entries.get(key);
    if (e) {
      e.stale = true;
      e.until = Math.min(e.until, until);
    }
    if (loading.has(key))
      marksWhileLoading.set(key, Math.min(marksWhileLoading.get(key) ?? until, until));
  }

  return {
    async get(key, loader) {
      const hit = entries.get(key);
      if (hit) {
        const t = now();
        if (t < hit.until) {
          hit.hits += 1;
          const refresh = hit.stale || (t - hit.at >= refreshAfterMs && hit.hits >= 2);
          if (refresh && !loading.has(key)) {
            // A failed background refresh leaves the entry to expire; the next caller loads in line.
            load(key, loader).catch(() => undefined);
          }
          return hit.value;
        }
      }
      return load(key, loader);
    },
    delete: (key) => {
      drop(key);
      loading.delete(key);
      marksWhileLoading.delete(key);
      epoch += 1;
    },
    clear: () => {
      entries.clear();
      byTag.clear();
      loading.clear();
      marksWhileLoading.clear();
      epoch += 1;
    },
    markStale(tags, graceMs) {
      const until = now() + graceMs;
      const keys =
        tags === 'all'
          ? new Set([...entries.keys(), ...loading.keys()])
          : tags.flatMap((tag) => [...(byTag.get(tag) ?? [])]);
      for (const key of keys) mark(key, until);
    },
  };
}
