import { LRUCache } from 'lru-cache';

export interface Memo<V> {
  get(key: string, compute: () => V): V;
  /** Whether a value is held (without counting as a use). */
  has(key: string): boolean;
}

/**
 * A bounded memo of a synchronous computation whose result depends on its key alone (put what
 * makes it change, such as the minute, in the key): values never expire, and the least recently
 * used go first once `maxEntries` are held. The same LRU as `createCache`, without loads or TTL.
 */
export function createMemo<V extends NonNullable<unknown>>(maxEntries: number): Memo<V> {
  const values = new LRUCache<string, V>({ max: maxEntries });
  return {
    get(key, compute) {
      let value = values.get(key);
      if (value === undefined) {
        value = compute();
        values.set(key, value);
      }
      return value;
    },
    has: (key) => values.has(key),
  };
}
