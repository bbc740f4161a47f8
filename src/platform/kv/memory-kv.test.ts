import { describe, expect, it, vi } from 'vitest';
import { kvContract } from './kv.contract.ts';
import { createMemoryKv } from './memory-kv.ts';

kvContract('memory', async () => ({ kv: createMemoryKv(), cleanup: async () => {} }));

describe('memory kv', () => {
  it('expires keys on an injected clock', async () => {
    let now = 1_000;
    const kv = createMemoryKv({ now: () => now, sweepIntervalMs: 0 });
    await kv.set('a', 'v', { ttlMs: 100 });
    await kv.increment('n', 1, { ttlMs: 50 });
    now += 49;
    expect(await kv.ttl('n')).toBe(1);
    now += 1;
    expect(await kv.get('n')).toBeNull();
    expect(await kv.ttl('a')).toBe(50);
    now += 50;
    expect(await kv.get('a')).toBeNull();
    await kv.close();
  });

  it('sweeps expired keys nobody reads', async () => {
    // The sweep's interval runs on fake timers: one tick of it, no waiting.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let now = 0;
      const kv = createMemoryKv({ now: () => now, sweepIntervalMs: 10 });
      await kv.set('a', 'v', { ttlMs: 5 });
      now = 10;
      vi.advanceTimersByTime(10);
      // Turn the clock back: an entry the sweep missed would look live again, a swept one is gone.
      now = 0;
      expect(await kv.get('a')).toBeNull();
      await kv.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses calls after close', async () => {
    const kv = createMemoryKv();
    await kv.close();
    await expect(kv.get('a')).rejects.toThrow(/closed/);
  });
});
