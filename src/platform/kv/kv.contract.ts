import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.ts';
import type { KeyValueStore } from './port.ts';

export interface KvFixture {
  kv: KeyValueStore;
  /** Runs after `kv.close()`: delete whatever the fixture created. */
  cleanup(): Promise<void>;
}

/** One contract, run against every KeyValueStore adapter. */
export function kvContract(name: string, make: () => Promise<KvFixture>): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let fixture: KvFixture;
    let kv: KeyValueStore;

    beforeEach(async () => {
      fixture = await make();
      kv = fixture.kv;
    });

    afterEach(async () => {
      await kv.close();
      await fixture.cleanup();
    });

    it('gets, sets, overwrites and deletes', async () => {
      expect(await kv.get('a')).toBeNull();
      expect(await kv.set('a', '1')).toBe(true);
      expect(await kv.get('a')).toBe('1');
      expect(await kv.set('a', 'two words ✓')).toBe(true);
      expect(await kv.get('a')).toBe('two words ✓');
      await kv.delete('a');
      await kv.delete('never-set');
      expect(await kv.get('a')).toBeNull();
    });

    it('expires a key after its TTL', async () => {
      await kv.set('short', 'v', { ttlMs: 80 });
      const ttl = await kv.ttl('short');
      // Already gone on a very slow machine is fine too; anything else must be within the TTL.
      if (ttl !== null) {
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(80);
      }
      await waitFor(async () => (await kv.get('short')) === null, 3000, 'short to expire');
      expect(await kv.ttl('short')).toBeNull();
    });

    it('reports ttl as -1 without expiry and null for a missing key', async () => {
      expect(await kv.ttl('missing')).toBeNull();
      await kv.set('forever', 'v');
      expect(await kv.ttl('forever')).toBe(-1);
      await kv.set('later', 'v', { ttlMs: 60_000 });
      const ttl = await kv.ttl('later');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('replaces the TTL on a plain set', async () => {
      await kv.set('k', 'v', { ttlMs: 60_000 });
      await kv.set('k', 'w');
      expect(await kv.ttl('k')).toBe(-1);
    });

    it('writes with onlyIfAbsent only when the key does not exist', async () => {
      expect(await kv.set('lock', 'owner-a', { onlyIfAbsent: true })).toBe(true);
      expect(await kv.set('lock', 'owner-b', { onlyIfAbsent: true })).toBe(false);
      expect(await kv.get('lock')).toBe('owner-a');
      await kv.delete('lock');
      expect(await kv.set('lock', 'owner-b', { onlyIfAbsent: true })).toBe(true);
      expect(await kv.get('lock')).toBe('owner-b');
    });

    it('treats an expired key as absent for onlyIfAbsent', async () => {
      expect(await kv.set('lease', 'a', { onlyIfAbsent: true, ttlMs: 60 })).toBe(true);
      await waitFor(async () => (await kv.get('lease')) === null, 3000, 'lease to expire');
      expect(await kv.set('lease', 'b', { onlyIfAbsent: true, ttlMs: 60_000 })).toBe(true);
      expect(await kv.get('lease')).toBe('b');
    });

    it('increments from zero, by 1 by default, by any integer', async () => {
      expect(await kv.increment('n')).toBe(1);
      expect(await kv.increment('n')).toBe(2);
      expect(await kv.increment('n', 10)).toBe(12);
      expect(await kv.increment('n', -15)).toBe(-3);
      expect(await kv.get('n')).toBe('-3');
      await kv.set('m', '41');
      expect(await kv.increment('m')).toBe(42);
    });

    it('refuses to increment a value that is not an integer', async () => {
      await kv.set('word', 'abc');
      await expect(kv.increment('word')).rejects.toThrow();
      expect(await kv.get('word')).toBe('abc');
      await expect(kv.increment('n', 1.5)).rejects.toThrow();
    });

    it('increments atomically under 200 concurrent calls', async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, () => kv.increment('hits', 1, { ttlMs: 60_000 })),
      );
      expect(await kv.get('hits')).toBe('200');
      expect([...results].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
    });

    it('sets the increment TTL when the key is created and never extends it', async () => {
      await kv.increment('window', 1, { ttlMs: 10_000 });
      const first = await kv.ttl('window');
      expect(first).toBeGreaterThan(0);
      expect(first).toBeLessThanOrEqual(10_000);
      await kv.increment('window', 1, { ttlMs: 60_000 });
      await kv.increment('window');
      const later = await kv.ttl('window');
      expect(later).toBeGreaterThan(0);
      expect(later).toBeLessThanOrEqual(10_000);
      expect(await kv.get('window')).toBe('3');
    });

    it('does not add a TTL when incrementing a key that already exists without one', async () => {
      await kv.increment('total');
      await kv.increment('total', 1, { ttlMs: 60_000 });
      expect(await kv.ttl('total')).toBe(-1);
    });

    it('starts a new window once an incremented key has expired', async () => {
      await kv.increment('burst', 5, { ttlMs: 60 });
      await waitFor(async () => (await kv.get('burst')) === null, 3000, 'burst to expire');
      expect(await kv.increment('burst', 1, { ttlMs: 60_000 })).toBe(1);
      expect(await kv.ttl('burst')).toBeGreaterThan(60);
    });

    it('rejects a TTL that is not positive', async () => {
      await expect(kv.set('k', 'v', { ttlMs: 0 })).rejects.toThrow();
      await expect(kv.increment('k', 1, { ttlMs: -5 })).rejects.toThrow();
      expect(await kv.get('k')).toBeNull();
    });

    it('answers ping', async () => {
      await expect(kv.ping()).resolves.toBeUndefined();
    });
  });
}
