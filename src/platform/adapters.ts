import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { deadLetterTable } from './bus/dead-letters.ts';
import { createMemoryBus } from './bus/memory-bus.ts';
import { createNatsBus } from './bus/nats-bus.ts';
import type { EventBus } from './bus/port.ts';
import type { Config } from './config.ts';
import type { Db } from './db/pool.ts';
import { createMemoryGeoIndex } from './geo/memory-geo-index.ts';
import type { GeoIndex } from './geo/port.ts';
import { createRedisGeoIndex } from './geo/redis-geo-index.ts';
import { createMemoryKv } from './kv/memory-kv.ts';
import type { KeyValueStore } from './kv/port.ts';
import { createRedisKv } from './kv/redis-kv.ts';

export interface Adapters {
  bus: EventBus;
  kv: KeyValueStore;
  geo: (name: string) => GeoIndex;
  redis: Redis | null;
  close(): Promise<void>;
}

/**
 * Networked adapters when their URL is configured (several processes share them), in-process ones
 * otherwise (one process, nothing to install).
 */
export async function createAdapters(config: Config, db: Db, logger: Logger): Promise<Adapters> {
  const deadLetter = deadLetterTable(db);
  const busLogger = logger.child({ component: 'bus' });
  const bus = config.natsUrl
    ? await createNatsBus({
        url: config.natsUrl,
        prefix: config.namespace,
        deadLetter,
        logger: busLogger,
      })
    : createMemoryBus({ deadLetter, logger: busLogger });
  let redis: Redis | null = null;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      connectTimeout: 3000,
    });
    redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
    await redis.connect();
  }
  const kv = redis ? createRedisKv(redis, { prefix: `${config.namespace}:kv:` }) : createMemoryKv();
  const geoIndexes = new Map<string, GeoIndex>();
  const geo = (name: string): GeoIndex => {
    let index = geoIndexes.get(name);
    if (!index) {
      index = redis
        ? createRedisGeoIndex(redis, { key: `${config.namespace}:geo:${name}` })
        : createMemoryGeoIndex();
      geoIndexes.set(name, index);
    }
    return index;
  };
  return {
    bus,
    kv,
    geo,
    redis,
    async close() {
      for (const g of geoIndexes.values()) await g.close();
      await kv.close();
      await bus.close();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
