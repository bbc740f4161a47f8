import type { Redis } from 'ioredis';
import type { KeyValueStore, SetOptions } from './port.ts';

export interface RedisKvOptions {
  /** Prepended as is to every key (`lastmile:kv:` → `lastmile:kv:<key>`): end it with a separator. */
  prefix: string;
}

/**
 * INCRBY that sets a TTL only when it creates the key, in one atomic step: a counter's window
 * starts with its first hit and later hits never extend it. EXISTS rather than `PEXPIRE … NX`,
 * because NX would also add a TTL to an existing counter that was deliberately created without one.
 */
const INCREMENT_LUA = `
local existed = redis.call('EXISTS', KEYS[1])
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`;

interface KvScripts {
  lastmileKvIncrement(key: string, by: string, ttlMs: string): Promise<unknown>;
}

/** Redis adapter. The client is shared and owned by the caller: close() leaves it open. */
export function createRedisKv(redis: Redis, opts: RedisKvOptions): KeyValueStore {
  const k = (key: string): string => opts.prefix + key;
  redis.defineCommand('lastmileKvIncrement', { numberOfKeys: 1, lua: INCREMENT_LUA });
  const scripts = redis as unknown as KvScripts;
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new Error('redis kv is closed');
  }

  return {
    kind: 'redis',

    async get(key: string): Promise<string | null> {
      assertOpen();
      return redis.get(k(key));
    },

    async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
      assertOpen();
      const args: Array<string | number> = [];
      if (options.ttlMs !== undefined) args.push('PX', checkTtl(options.ttlMs));
      if (options.onlyIfAbsent) args.push('NX');
      // Plain SET also clears an existing TTL: `set` replaces value and expiry together.
      const reply = await redis.call('SET', k(key), value, ...args);
      return reply !== null;
    },

    async delete(key: string): Promise<void> {
      assertOpen();
      await redis.del(k(key));
    },

    async increment(key: string, by = 1, options: { ttlMs?: number } = {}): Promise<number> {
      assertOpen();
      if (!Number.isSafeInteger(by))
        throw new RangeError(`increment must be a safe integer, got ${by}`);
      if (options.ttlMs === undefined) return Number(await redis.incrby(k(key), by));
      const ttlMs = checkTtl(options.ttlMs);
      return Number(await scripts.lastmileKvIncrement(k(key), String(by), String(ttlMs)));
    },

    async ttl(key: string): Promise<number | null> {
      assertOpen();
      const ms = Number(await redis.pttl(k(key)));
      return ms === -2 ? null : ms; // -2: no such key, -1: no expiry
    },

    async ping(): Promise<void> {
      assertOpen();
      await redis.ping();
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

/** TTLs are whole milliseconds > 0, as PX requires; fractions round up so a key never lives shorter. */
function checkTtl(ttlMs: number): number {
  if (!(Number.isFinite(ttlMs) && ttlMs > 0))
    throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}
