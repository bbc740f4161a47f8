import { LRUCache } from 'lru-cache';
import { createTagIndex, type TagIndex } from './tag-index.ts';

/**
 * The in-process cache, for hot reads that may be a few seconds stale. Concurrent misses for one
 * key share one load, so a hot key expiring under load costs one query, not one per waiting
 * request. At most `maxEntries` are kept; the least recently read goes first.
 *
 * An entry is served for `ttlMs` from when its read began (the data is at least that old), or
 * until `expiresAt(value)` if that is sooner (a token's own expiry); never past that.
 *
 * With `refreshAfterMs`, a hit on an entry older than that starts one reload in the background and
 * is answered from the entry, so a key read steadily never makes a caller wait for the database.
 * Only entries read at least twice since they were loaded are refreshed: a key read once in a
 * while would otherwise cost a reload per read.
 *
 * With `tagOf`, entries can be marked stale by tag when what they were read from changed (a
 * store's stock): the next hit reloads in the background and the old entry is served for at most
 * `graceMs` more. A load that began before the mark stores its value still marked, so it is read
 * again too.
 *
 * `delete(key)` and `clear()` are for a change the caller just committed: a load of the key in
 * flight may have read the data before it, so its value is handed to the callers already waiting
 * for it but not stored, and the next `get` starts a fresh load instead of joining it. Loads of
 * other keys are not affected. A failed load stores nothing: the next caller loads again.
 */
/** Keys are compared by value: strings, numbers, bigints (an H3 cell). */
export type CacheKey = string | number | bigint;

export interface Cache<V, K extends CacheKey = string> {
  get(key: K, load: () => Promise<V>): Promise<V>;
  delete(key: K): void;
  clear(): void;
  /** Entries under these tags (every entry with `'all'`) must be read again; served `graceMs` more at most. */
  markStale(tags: readonly string[] | 'all', graceMs: number): void;
}

export interface CacheOptions<V, K> {
  ttlMs: number;
  maxEntries: number;
  refreshAfterMs?: number;
  /** Epoch ms after which a value must not be served; a value already past it is not stored. */
  expiresAt?: (value: V) => number;
  tagOf?: (key: K) => string;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  /** When the read that produced it began. */
  at: number;
  hits: number;
  /** A change to what it was read from was signalled: read it again. */
  stale: boolean;
  /** Served until then at the latest (the time to live, shortened by a stale mark). */
  until: number;
}

/** A load in flight for a key. */
interface Flight {
  startedAt: number;
  /** A stale mark arrived meanwhile (the value may predate it): the entry is served until then. */
  markedUntil: number | undefined;
  /** A delete() or clear() came after it began: its value is not stored. */
  detached: boolean;
}

interface State<V, K extends CacheKey> {
  opts: CacheOptions<V, K>;
  now: () => number;
  entries: LRUCache<K, Entry<V>>;
  flights: Map<K, { flight: Flight; promise: Promise<V> }>;
  tags: TagIndex<K>;
}

export function createCache<V, K extends CacheKey = string>(opts: CacheOptions<V, K>): Cache<V, K> {
  const flights = new Map<K, { flight: Flight; promise: Promise<V> }>();
  const tags = createTagIndex(opts.tagOf);
  const entries: LRUCache<K, Entry<V>> = new LRUCache({
    max: opts.maxEntries,
    // Evicted or deleted: the key leaves the tag index unless a load still holds it.
    disposeAfter: (_entry, key) => forgetIfGone(state, key),
  });
  const state: State<V, K> = { opts, now: opts.now ?? Date.now, entries, flights, tags };
  const refreshAfterMs = opts.refreshAfterMs ?? opts.ttlMs;

  return {
    async get(key, loader) {
      const hit = entries.get(key);
      if (hit) {
        const t = state.now();
        if (t < hit.until) {
          hit.hits += 1;
          const refresh = hit.stale || (t - hit.at >= refreshAfterMs && hit.hits >= 2);
          // A failed background refresh leaves the entry to expire; the next caller loads in line.
          if (refresh && !flights.has(key)) load(state, key, loader).catch(() => undefined);
          return hit.value;
        }
      }
      return load(state, key, loader);
    },
    delete(key) {
      const pending = flights.get(key);
      if (pending) {
        pending.flight.detached = true;
        flights.delete(key);
      }
      entries.delete(key);
      forgetIfGone(state, key);
    },
    clear() {
      for (const { flight } of flights.values()) flight.detached = true;
      flights.clear();
      entries.clear();
      tags.clear();
    },
    markStale(marked, graceMs) {
      const until = state.now() + graceMs;
      const keys = marked === 'all' ? [...entries.keys(), ...flights.keys()] : tags.keysOf(marked);
      for (const key of keys) markKey(state, key, until);
    },
  };
}

function load<V, K extends CacheKey>(s: State<V, K>, key: K, loader: () => Promise<V>): Promise<V> {
  const pending = s.flights.get(key);
  if (pending) return pending.promise;
  const flight: Flight = { startedAt: s.now(), markedUntil: undefined, detached: false };
  // Indexed from the start, so a stale mark reaches a first load still in flight.
  s.tags.add(key);
  let started: Promise<V>;
  try {
    started = loader();
  } catch (err) {
    started = Promise.reject(err);
  }
  const promise = started
    .then((value) => {
      if (!flight.detached) store(s, key, flight, value);
      return value;
    })
    .finally(() => {
      // A delete() meanwhile may have let a newer load take the key: leave that one alone.
      if (s.flights.get(key)?.flight === flight) s.flights.delete(key);
      forgetIfGone(s, key);
    });
  s.flights.set(key, { flight, promise });
  return promise;
}

function store<V, K extends CacheKey>(s: State<V, K>, key: K, flight: Flight, value: V): void {
  const until = Math.min(
    flight.startedAt + s.opts.ttlMs,
    flight.markedUntil ?? Number.POSITIVE_INFINITY,
    s.opts.expiresAt?.(value) ?? Number.POSITIVE_INFINITY,
  );
  if (until <= s.now()) {
    s.entries.delete(key);
    return;
  }
  s.entries.set(key, {
    value,
    at: flight.startedAt,
    hits: 0,
    stale: flight.markedUntil !== undefined,
    until,
  });
}

function markKey<V, K extends CacheKey>(s: State<V, K>, key: K, until: number): void {
  // peek: a mark is not a read, so it does not make the entry recently used.
  const entry = s.entries.peek(key);
  if (entry) {
    entry.stale = true;
    entry.until = Math.min(entry.until, until);
  }
  const pending = s.flights.get(key);
  if (pending) pending.flight.markedUntil = Math.min(pending.flight.markedUntil ?? until, until);
}

function forgetIfGone<V, K extends CacheKey>(s: State<V, K>, key: K): void {
  if (!s.entries.has(key) && !s.flights.has(key)) s.tags.remove(key);
}
