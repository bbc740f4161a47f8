import type { KeyValueStore, SetOptions } from './port.ts';

export interface MemoryKvOptions {
  /** Clock in epoch ms; inject one to drive expiry in tests without sleeping. Default Date.now. */
  now?: () => number;
  /** How often expired keys nobody reads are swept out. Default 1000 ms; 0 turns the sweep off. */
  sweepIntervalMs?: number;
}

interface Entry {
  value: string;
  /** Epoch ms after which the key is gone; null = no expiry. */
  expiresAt: number | null;
}

/**
 * In-process key-value store for single-process mode and tests, with Redis semantics: `set`
 * replaces value and TTL, counters are decimal strings, a key is gone from the instant it expires.
 * Expiry is lazy on access; a background sweep (unref'd, so it never holds the process open)
 * frees memory held by keys nobody reads again.
 */
export function createMemoryKv(options: MemoryKvOptions = {}): KeyValueStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  let closed = false;

  const sweepMs = options.sweepIntervalMs ?? 1000;
  const sweep =
    sweepMs > 0
      ? setInterval(() => {
          const t = now();
          for (const [key, entry] of entries)
            if (entry.expiresAt !== null && entry.expiresAt <= t) entries.delete(key);
        }, sweepMs)
      : null;
  sweep?.unref();

  function assertOpen(): void {
    if (closed) throw new Error('memory kv is closed');
  }

  /** The live entry, dropping it first when it has expired. */
  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  return {
    kind: 'memory',

    async get(key: string): Promise<string | null> {
      assertOpen();
      return live(key)?.value ?? null;
    },

    async set(key: string, value: string, opts: SetOptions = {}): Promise<boolean> {
      assertOpen();
      const ttlMs = opts.ttlMs === undefined ? undefined : checkTtl(opts.ttlMs);
      if (opts.onlyIfAbsent && live(key)) return false;
      entries.set(key, { value, expiresAt: ttlMs === undefined ? null : now() + ttlMs });
      return true;
    },

    async delete(key: string): Promise<void> {
      assertOpen();
      entries.delete(key);
    },

    async increment(key: string, by = 1, opts: { ttlMs?: number } = {}): Promise<number> {
      assertOpen();
      if (!Number.isSafeInteger(by))
        throw new RangeError(`increment must be a safe integer, got ${by}`);
      const ttlMs = opts.ttlMs === undefined ? undefined : checkTtl(opts.ttlMs);
      const entry = live(key);
      if (!entry) {
        entries.set(key, {
          value: String(by),
          expiresAt: ttlMs === undefined ? null : now() + ttlMs,
        });
        return by;
      }
      // Same rule as Redis INCRBY: only a plain decimal integer can be incremented.
      if (!/^-?(0|[1-9]\d*)$/.test(entry.value))
        throw new Error(`value of ${key} is not an integer`);
      const next = Number(entry.value) + by;
      if (!Number.isSafeInteger(next)) throw new RangeError(`increment of ${key} would overflow`);
      entry.value = String(next); // the TTL set at creation is kept, never extended
      return next;
    },

    async ttl(key: string): Promise<number | null> {
      assertOpen();
      const entry = live(key);
      if (!entry) return null;
      return entry.expiresAt === null ? -1 : entry.expiresAt - now();
    },

    async ping(): Promise<void> {
      assertOpen();
    },

    async close(): Promise<void> {
      closed = true;
      if (sweep) clearInterval(sweep);
      entries.clear();
    },
  };
}

/** TTLs are whole milliseconds > 0, as Redis PX requires; fractions round up so a key never lives shorter. */
function checkTtl(ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0))
    throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}
