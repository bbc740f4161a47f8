import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, redisUrl, testPrefix } from '../../../test/support/services.ts';
import { kvContract } from './kv.contract.ts';
import { createRedisKv } from './redis-kv.ts';

describeWithServices('Redis kv', { redis: redisUrl() }, ({ redis: url }) => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(url);
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** Deletes every key under the prefix; SCAN, not KEYS, so a shared Redis is never blocked. */
  async function deletePrefix(prefix: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }

  kvContract('redis', async () => {
    const prefix = `${testPrefix('kv')}:`;
    return { kv: createRedisKv(redis, { prefix }), cleanup: () => deletePrefix(prefix) };
  });

  describe('redis kv', () => {
    const prefixes: string[] = [];
    const newPrefix = (): string => {
      const prefix = `${testPrefix('kv')}:`;
      prefixes.push(prefix);
      return prefix;
    };

    afterEach(async () => {
      for (const prefix of prefixes.splice(0)) await deletePrefix(prefix);
    });

    it('namespaces keys under the prefix', async () => {
      const prefix = newPrefix();
      const kv = createRedisKv(redis, { prefix });
      await kv.set('a', '1');
      expect(await redis.get(`${prefix}a`)).toBe('1');
      expect(await createRedisKv(redis, { prefix: newPrefix() }).get('a')).toBeNull();
      await kv.close();
      expect(await redis.ping()).toBe('PONG'); // close() leaves the shared client open
    });
  });
});
