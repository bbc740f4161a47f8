import { describe, expect, it } from 'vitest';
import { createTtlCache } from './ttl-cache.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('createTtlCache', () => {
  it('serves an entry until its time to live, then loads again', async () => {
    let t = 0;
    const cache = createTtlCache<number>({ ttlMs: 1000, maxEntries: 10, now: () => t });
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    t = 999;
    expect(await cache.get('k', load)).toBe(1);
    t = 1000;
    expect(await cache.get('k', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('shares one load between concurrent misses', async () => {
    const cache = createTtlCache<string>({ ttlMs: 1000, maxEntries: 10 });
    const gate = deferred<string>();
    let loads = 0;
    const load = () => {
      loads += 1;
      return gate.promise;
    };
    const all = Promise.all(Array.from({ length: 20 }, () => cache.get('k', load)));
    gate.resolve('v');
    expect(await all).toEqual(Array.from({ length: 20 }, () => 'v'));
    expect(loads).toBe(1);
  });

  it('refreshes ahead in the background and answers from the entry meanwhile', async () => {
    let t = 0;
    const cache = createTtlCache<string>({ ttlMs: 2000, refreshAfterMs: 1000, maxEntries: 10, now: () => t });
    expect(await cache.get('k', async () => 'v1')).toBe('v1');
    t = 500;
    expect(await cache.get('k', async () => 'unused')).toBe('v1');
    t = 1500;
    const gate = deferred<string>();
    let refreshes = 0;
    const slow = () => {
      refreshes += 1;
      return gate.promise;
    };
    // Both callers get the current entry at once; one refresh runs.
    expect(await cache.get('k', slow)).toBe('v1');
    expect(await cache.get('k', slow)).toBe('v1');
    expect(refreshes).toBe(1);
    gate.resolve('v2');
    await gate.promise;
    await Promise.resolve();
    expect(await cache.get('k', slow)).toBe('v2');
    // The refreshed entry is aged from when its read began (t = 1500), so it expires at 3500.
    t = 2499;
    expect(await cache.get('k', async () => 'v3')).toBe('v2');
    t = 3500;
    expect(await cache.get('k', async () => 'v4')).toBe('v4');
  });

  it('never serves an entry past its time to live, even while a refresh is pending', async () => {
    let t = 0;
    const cache = createTtlCache<string>({ ttlMs: 2000, refreshAfterMs: 1000, maxEntries: 10, now: () => t });
    await cache.get('k', async () => 'old');
    await cache.get('k', async () => 'old');
    t = 1200;
    const gate = deferred<string>();
    expect(await cache.get('k', () => gate.promise)).toBe('old');
    t = 2100;
    // Expired: the caller waits for the pending refresh instead of getting the old entry.
    const waiting = cache.get('k', async () => 'unused');
    gate.resolve('new');
    expect(await waiting).toBe('new');
  });

  it('does not store a load that began before the key was deleted', async () => {
    const cache = createTtlCache<string>({ ttlMs: 10_000, maxEntries: 10 });
    const gate = deferred<string>();
    const before = cache.get('k', () => gate.promise);
    cache.delete('k');
    gate.resolve('read before the change');
    expect(await before).toBe('read before the change');
    expect(await cache.get('k', async () => 'read after')).toBe('read after');
  });

  it('does not refresh an entry read only once since it was loaded', async () => {
    let t = 0;
    const cache = createTtlCache<string>({ ttlMs: 2000, refreshAfterMs: 1000, maxEntries: 10, now: () => t });
    await cache.get('k', async () => 'v1');
    t = 1500;
    let loads = 0;
    expect(
      await cache.get('k', async () => {
        loads += 1;
        return 'v2';
      }),
    ).toBe('v1');
    expect(loads).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = createTtlCache<string>({ ttlMs: 10_000, maxEntries: 2 });
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('c', async () => 'c2')).toBe('c1');
  });

  it('lets the next caller load in line when a background refresh fails', async () => {
    let t = 0;
    const cache = createTtlCache<string>({ ttlMs: 2000, refreshAfterMs: 1000, maxEntries: 10, now: () => t });
    await cache.get('k', async () => 'v1');
    await cache.get('k', async () => 'v1');
    t = 1500;
    expect(await cache.get('k', () => Promise.reject(new Error('database down')))).toBe('v1');
    await new Promise((r) => setImmediate(r));
    t = 2500;
    await expect(cache.get('k', () => Promise.reject(new Error('still down')))).rejects.toThrow('still down');
    expect(await cache.get('k', async () => 'v2')).toBe('v2');
  });
});
