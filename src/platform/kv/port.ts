export interface SetOptions {
  ttlMs?: number;
  /** Only write when the key does not exist; `set` then returns whether it wrote. */
  onlyIfAbsent?: boolean;
}

/**
 * Key-value and counter port for caches, locks and counters. Hot state only: never the system of
 * record. Keys are namespaced by the adapter's prefix.
 */
export interface KeyValueStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  /** Returns false only when `onlyIfAbsent` was set and the key existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Atomically add `by` (default 1) and return the new value; `ttlMs` applies when the key is created. */
  increment(key: string, by?: number, options?: { ttlMs?: number }): Promise<number>;
  /** Remaining time to live in ms, -1 without expiry, null when the key does not exist. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
