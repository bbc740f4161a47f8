import { describe, expect, it } from 'vitest';
import { createCache } from './cache.ts';
import { createMemo } from './memo.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A loader answering `value` that counts its calls. */
function counted<T>(value: T) {
  const load = Object.assign(
    async () => {
      load.calls += 1;
      return value;
    },
    { calls: 0 },
  );
  return load;
}

/** A cache whose entries live 2 s and are refreshed after 1 s, on a clock the test moves. */
function refreshing() {
  const clock = { now: 0 };
  const cache = createCache<string>({
    ttlMs: 2000,
    refreshAfterMs: 1000,
    maxEntries: 10,
    now: () => clock.now,
  });
  return { clock, cache };
}

describe('createCache', () => {
  it('serves an entry until its time to live, then loads again', async () => {
    let t = 0;
    const cache = createCache<number>({ ttlMs: 1000, maxEntries: 10, now: () => t });
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
    const cache = createCache<string>({ ttlMs: 1000, maxEntries: 10 });
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
    const { clock, cache } = refreshing();
    expect(await cache.get('k', async () => 'v1')).toBe('v1');
    clock.now = 500;
    expect(await cache.get('k', async () => 'unused')).toBe('v1');
    clock.now = 1500;
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
    // The refreshed entry is aged from when its read began (1500), so it expires at 3500.
    clock.now = 2499;
    expect(await cache.get('k', async () => 'v3')).toBe('v2');
    clock.now = 3500;
    expect(await cache.get('k', async () => 'v4')).toBe('v4');
  });

  it('never serves an entry past its time to live, even while a refresh is pending', async () => {
    const { clock, cache } = refreshing();
    await cache.get('k', async () => 'old');
    await cache.get('k', async () => 'old');
    clock.now = 1200;
    const gate = deferred<string>();
    expect(await cache.get('k', () => gate.promise)).toBe('old');
    clock.now = 2100;
    // Expired: the caller waits for the pending refresh instead of getting the old entry.
    const waiting = cache.get('k', async () => 'unused');
    gate.resolve('new');
    expect(await waiting).toBe('new');
  });

  it('does not store a load that began before the key was deleted', async () => {
    const cache = createCache<string>({ ttlMs: 10_000, maxEntries: 10 });
    const gate = deferred<string>();
    const before = cache.get('k', () => gate.promise);
    cache.delete('k');
    gate.resolve('read before the change');
    expect(await before).toBe('read before the change');
    expect(await cache.get('k', async () => 'read after')).toBe('read after');
  });

  it('does not refresh an entry read only once since it was loaded', async () => {
    const { clock, cache } = refreshing();
    await cache.get('k', async () => 'v1');
    clock.now = 1500;
    const load = counted('v2');
    expect(await cache.get('k', load)).toBe('v1');
    expect(load.calls).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = createCache<string>({ ttlMs: 10_000, maxEntries: 2 });
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('c', async () => 'c2')).toBe('c1');
  });

  it('drops the least recently read entry, not the first stored', async () => {
    const cache = createCache<string>({ ttlMs: 10_000, maxEntries: 2 });
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    // A hot key stored first survives: 'b' is the one nobody read since.
    expect(await cache.get('a', async () => 'unused')).toBe('a1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a1');
    expect(await cache.get('b', async () => 'b2')).toBe('b2');
  });

  describe('delete and clear while a load is in flight', () => {
    it('hands the old load to its waiting callers, starts a fresh one, and stores only that', async () => {
      const cache = createCache<string>({ ttlMs: 10_000, maxEntries: 10 });
      const old = deferred<string>();
      const fresh = deferred<string>();
      const waiting = cache.get('k', () => old.promise);
      cache.delete('k');
      // Not joined to the load that may have read before the change.
      const after = cache.get('k', () => fresh.promise);
      // The old load settling first must neither store its value nor drop the fresh load.
      old.resolve('before the change');
      expect(await waiting).toBe('before the change');
      const load = counted('third');
      const third = cache.get('k', load);
      fresh.resolve('after the change');
      expect(await after).toBe('after the change');
      expect(await third).toBe('after the change');
      expect(load.calls).toBe(0);
      expect(await cache.get('k', async () => 'unused')).toBe('after the change');
    });

    it('leaves the loads of other keys alone', async () => {
      const cache = createCache<string>({ ttlMs: 10_000, maxEntries: 10 });
      const gate = deferred<string>();
      const other = cache.get('other', () => gate.promise);
      cache.delete('k');
      gate.resolve('other-v1');
      expect(await other).toBe('other-v1');
      expect(await cache.get('other', async () => 'reloaded')).toBe('other-v1');
    });

    it('stores no load that began before clear()', async () => {
      const cache = createCache<string>({ ttlMs: 10_000, maxEntries: 10 });
      await cache.get('a', async () => 'a1');
      const gate = deferred<string>();
      const before = cache.get('b', () => gate.promise);
      cache.clear();
      gate.resolve('b-before');
      expect(await before).toBe('b-before');
      expect(await cache.get('a', async () => 'a2')).toBe('a2');
      expect(await cache.get('b', async () => 'b-after')).toBe('b-after');
    });

    it('still reaches a fresh load with a stale mark after the key was deleted', async () => {
      const t = { now: 0 };
      const cache = createCache<string>({
        ttlMs: 10_000,
        maxEntries: 10,
        now: () => t.now,
        tagOf: (k) => k.split('|')[0] as string,
      });
      const old = deferred<string>();
      const fresh = deferred<string>();
      const first = cache.get('s1|a', () => old.promise);
      cache.delete('s1|a');
      const second = cache.get('s1|a', () => fresh.promise);
      old.resolve('old');
      await first;
      cache.markStale(['s1'], 1000);
      fresh.resolve('fresh');
      expect(await second).toBe('fresh');
      const reload = counted('after-mark');
      expect(await cache.get('s1|a', reload)).toBe('fresh');
      expect(reload.calls).toBe(1);
    });
  });

  it('serves a value until its own expiry when that comes before the TTL, and never stores one already expired', async () => {
    let t = 0;
    const cache = createCache<{ v: string; exp: number }>({
      ttlMs: 10_000,
      maxEntries: 10,
      now: () => t,
      expiresAt: (x) => x.exp,
    });
    expect((await cache.get('k', async () => ({ v: 'v1', exp: 500 }))).v).toBe('v1');
    t = 499;
    expect((await cache.get('k', async () => ({ v: 'v2', exp: 5000 }))).v).toBe('v1');
    t = 500;
    expect((await cache.get('k', async () => ({ v: 'v3', exp: 400 }))).v).toBe('v3');
    expect((await cache.get('k', async () => ({ v: 'v4', exp: 5000 }))).v).toBe('v4');
  });

  it('does not remember a failed load', async () => {
    const cache = createCache<string>({ ttlMs: 10_000, maxEntries: 10 });
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(
      cache.get('k', () => {
        throw new Error('thrown before any promise');
      }),
    ).rejects.toThrow('thrown before any promise');
    expect(await cache.get('k', async () => 'v')).toBe('v');
  });

  it('lets the next caller load in line when a background refresh fails', async () => {
    const { clock, cache } = refreshing();
    await cache.get('k', async () => 'v1');
    await cache.get('k', async () => 'v1');
    clock.now = 1500;
    expect(await cache.get('k', () => Promise.reject(new Error('database down')))).toBe('v1');
    await new Promise((r) => setImmediate(r));
    clock.now = 2500;
    await expect(cache.get('k', () => Promise.reject(new Error('still down')))).rejects.toThrow(
      'still down',
    );
    expect(await cache.get('k', async () => 'v2')).toBe('v2');
  });

  describe('stale marks by tag', () => {
    const tagged = (t: { now: number }) =>
      createCache<string>({
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
      const reload = counted('after-change');
      expect(await cache.get('s1|a', reload)).toBe('before-change');
      expect(reload.calls).toBe(1);
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

describe('createMemo', () => {
  it('computes a key once and drops the least recently used past its bound', () => {
    const memo = createMemo<string>(2);
    let computed = 0;
    const value = (k: string) => () => {
      computed += 1;
      return `${k}${computed}`;
    };
    expect(memo.get('a', value('a'))).toBe('a1');
    expect(memo.get('a', value('a'))).toBe('a1');
    expect(memo.get('b', value('b'))).toBe('b2');
    expect(memo.get('a', value('a'))).toBe('a1');
    expect(memo.get('c', value('c'))).toBe('c3');
    expect(memo.get('a', value('a'))).toBe('a1');
    expect(memo.get('b', value('b'))).toBe('b4');
  });
});
