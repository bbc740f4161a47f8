import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeWithServices, redisUrl, testPrefix } from '../../../test/support/services.ts';
import { geoIndexContract } from './geo-index.contract.ts';
import { createRedisGeoIndex, type RedisGeoIndex } from './redis-geo-index.ts';

describeWithServices('Redis geo index', { redis: redisUrl() }, ({ redis: url }) => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(url);
  });
  afterAll(async () => {
    await redis.quit();
  });

  const fixture = () => {
    const key = testPrefix('geo');
    const index = createRedisGeoIndex(redis, { key });
    return { key, index, cleanup: async () => void (await redis.del(key, `${key}:at`)) };
  };

  geoIndexContract('redis', async () => fixture());

  describe('redis geo index', () => {
    let key: string;
    let index: RedisGeoIndex;
    let cleanup: () => Promise<void>;

    beforeEach(() => {
      ({ key, index, cleanup } = fixture());
    });

    afterEach(async () => {
      await index.close();
      await cleanup();
    });

    it('keeps positions in a GEO set and timestamps in the ":at" sorted set beside it', async () => {
      await index.upsert([{ id: 'd1', lat: 52.52, lng: 13.405, at: 1234 }]);
      const [pos] = await redis.geopos(key, 'd1');
      expect(Number(pos?.[0])).toBeCloseTo(13.405, 5); // longitude first
      expect(Number(pos?.[1])).toBeCloseTo(52.52, 5);
      expect(Number(await redis.zscore(`${key}:at`, 'd1'))).toBe(1234);
    });

    it('prunes points recorded before a cut-off, in batches', async () => {
      const points = Array.from({ length: 2500 }, (_, i) => ({
        id: `d${i}`,
        lat: 52.5,
        lng: 13.4 + i * 1e-5,
        at: i,
      }));
      await index.upsert(points);
      expect(await index.prune(2100)).toBe(2100);
      expect(await index.size()).toBe(400);
      expect(await index.get('d2099')).toBeNull();
      expect((await index.get('d2100'))?.at).toBe(2100);
      const hits = await index.search({ lat: 52.5, lng: 13.4, radiusM: 5000, limit: 5000 });
      expect(hits).toHaveLength(400);
    });

    it('rejects latitudes Redis GEO cannot store without writing anything', async () => {
      await expect(
        index.upsert([
          { id: 'ok', lat: 1, lng: 1, at: 1 },
          { id: 'polar', lat: 86, lng: 0, at: 1 },
        ]),
      ).rejects.toThrow(/lat/);
      expect(await index.size()).toBe(0);
    });

    it('leaves the shared client open on close', async () => {
      await index.close();
      await expect(index.size()).rejects.toThrow(/closed/);
      expect(await redis.ping()).toBe('PONG');
    });
  });
});
