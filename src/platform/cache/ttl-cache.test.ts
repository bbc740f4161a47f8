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
    const cache = createTtlCache<string>({
      ttlMs: 2000,
      refreshAfterMs: 1000,
      maxEntries: 10,
      now: () => t,
    });
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
    const cache = createTtlCache<string>({
      ttlMs: 2000,
      refreshAfterMs: 1000,
      maxEntries: 10,
      now: () => t,
    });
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
    const cache = createTtlCache<string>({
      ttlMs: 2000,
      refreshAfterMs: 1000,
      maxEntries: 10,
      now: () => t,
    });
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
    const cache = createTtlCache<string>({
      ttlMs: 2000,
      refreshAfterMs: 1000,
      maxEntries: 10,
      now: () => t,
    });
    await cache.get('k', async () => 'v1');
    await cache.get('k', async () => 'v1');
    t = 1500;
    expect(await cache.get('k', () => Promise.reject(new Error('database down')))).toBe('v1');
    await new Promise((r) => setImmediate(r));
    t = 2500;
    await expect(cache.get('k', () => Promise.reject(new Error('still down')))).rejects.toThrow(
      'still down',
    );
    expect(await cache.get('k', async () => 'v2')).toBe('v2');
  });

  describe('stale marks by tag', () => {
    const tagged = (t: { now: number }) =>
      createTtlCache<string>({
        ttlMs: 10_000,
        refreshAfterMs: 8000,
        maxEntries: 100,
        now: () => t.now,
        tagOf: (k) => k.split('|')[0] as string,
      });
    const settle = () => new Promise((r) => setImmediate(r));

    it('re-reads the marked tag in the background, serves the old entry meanwhile, and leaves other tags alone', async () => {
      const t = { now: 0 };
      const cache = tagged(t);
      await cache.get('s1|a', async () => 's1a-v1');
      await cache.get('s2|a', async () => 's2a-v1');
      t.now = 100;
      cache.markStale(['s1'], 1000);
      const gate = deferred<string>();
      expect(await cache.get('s1|a', () => gate.promise)).toBe('s1a-v1');
      gate.resolve('s1a-v2');
      await settle();
      expect(await cache.get('s1|a', async () => 'unused')).toBe('s1a-v2');
      expect(await cache.get('s2|a', async () => 'unused')).toBe('s2a-v1');
    });

    it('serves a marked entry for the grace at most, then makes the caller wait for a fresh read', async () => {
      const t = { now: 0 };
      const cache = tagged(t);
      await cache.get('s1|a', async () => 'v1');
      cache.markStale(['s1'], 1000);
      t.now = 1000;
      expect(await cache.get('s1|a', async () => 'v2')).toBe('v2');
    });

    it('keeps a value read before the mark marked, so it is read once more', async () => {
      const t = { now: 0 };
      const cache = tagged(t);
      const gate = deferred<string>();
      const first = cache.get('s1|a', () => gate.promise);
      // The change lands while the first read is in flight: what it returns may predate the change.
      cache.markStale(['s1'], 1000);
      gate.resolve('before-change');
      expect(await first).toBe('before-change');
      let reloads = 0;
      expect(
        await cache.get('s1|a', async () => {
          reloads += 1;
          return 'after-change';
        }),
      ).toBe('before-change');
      expect(reloads).toBe(1);
      await settle();
      expect(await cache.get('s1|a', async () => 'unused')).toBe('after-change');
    });

    it("marks every entry with 'all', and never serves past the time to live without a mark", async () => {
      const t = { now: 0 };
      const cache = tagged(t);
      await cache.get('s1|a', async () => 'a1');
      await cache.get('s2|b', async () => 'b1');
      cache.markStale('all', 500);
      t.now = 500;
      expect(await cache.get('s1|a', async () => 'a2')).toBe('a2');
      expect(await cache.get('s2|b', async () => 'b2')).toBe('b2');
      t.now = 10_500;
      expect(await cache.get('s1|a', async () => 'a3')).toBe('a3');
    });
  });
});
