import type { Redis } from 'ioredis';
import { EARTH_RADIUS_M } from './haversine.ts';
import { assertPoint, assertSearch } from './geo-input.ts';
import type { GeoHit, GeoIndex, GeoPoint, GeoSearch } from './port.ts';

export interface RedisGeoIndexOptions {
  /**
   * The GEO set's key; recorded-at times live in `${key}:at`. On Redis Cluster give the key a hash
   * tag (`{drivers}`) so both keys land in one slot, as the Lua scripts need.
   */
  key: string;
}

export interface RedisGeoIndex extends GeoIndex {
  readonly kind: 'redis';
  /** Drop every point recorded before `olderThan` (epoch ms); returns how many went. O(log n + m). */
  prune(olderThan: number): Promise<number>;
}

/**
 * Redis measures GEO distances on a sphere of this radius; we answer on `EARTH_RADIUS_M`. Distances
 * on two spheres differ by exactly this factor for the same coordinates, so the radius we send is
 * scaled up by it and the distances Redis returns are scaled down: same answers as the memory index.
 */
const REDIS_EARTH_RADIUS_M = 6372797.560856;
const TO_REDIS = REDIS_EARTH_RADIUS_M / EARTH_RADIUS_M;
/** GEOADD refuses latitudes beyond this (the Web Mercator limit). */
const MAX_LAT = 85.05112878;
const DEFAULT_LIMIT = 50;
/** Points pruned per script call, so a big prune never blocks Redis for long. */
const PRUNE_BATCH = 1000;

/**
 * ARGV = id, lng, lat, at repeated; ids are unique within a call (the caller keeps the newest).
 * A point is written only when no stored `at` is newer, so a late, older fix never moves a driver
 * back. Work goes in chunks: Lua's `unpack` fails beyond ~8k values. Returns the number written.
 */
const UPSERT_LUA = `
local n = #ARGV / 4
local written = 0
for base = 0, n - 1, 1000 do
  local last = math.min(base + 1000, n) - 1
  local ids = {}
  for i = base, last do ids[#ids + 1] = ARGV[i * 4 + 1] end
  local stored = redis.call('ZMSCORE', KEYS[2], unpack(ids))
  local geo, ats = {}, {}
  for j = 1, #ids do
    local o = (base + j - 1) * 4
    local s = stored[j]
    if (not s) or tonumber(s) <= tonumber(ARGV[o + 4]) then
      geo[#geo + 1] = ARGV[o + 2]
      geo[#geo + 1] = ARGV[o + 3]
      geo[#geo + 1] = ARGV[o + 1]
      ats[#ats + 1] = ARGV[o + 4]
      ats[#ats + 1] = ARGV[o + 1]
    end
  end
  if #geo > 0 then
    redis.call('GEOADD', KEYS[1], unpack(geo))
    redis.call('ZADD', KEYS[2], unpack(ats))
    written = written + #ats / 2
  end
end
return written
`;

/**
 * ARGV = lng, lat, radius (Redis metres), limit, freshSince ('' for none). Returns a flat list of
 * id, dist, lng, lat, at. Stale points are skipped server-side; when they crowd the nearest
 * `count`, the search is repeated with a 4× larger COUNT until `limit` fresh hits are found or the
 * circle is exhausted — one round trip either way. Values stay strings: Lua would truncate numbers.
 */
const SEARCH_LUA = `
local limit = tonumber(ARGV[4])
local fresh = tonumber(ARGV[5])
local count = limit
if fresh then count = limit * 2 end
while true do
  local hits = redis.call('GEOSEARCH', KEYS[1], 'FROMLONLAT', ARGV[1], ARGV[2], 'BYRADIUS', ARGV[3], 'm',
    'ASC', 'COUNT', count, 'WITHDIST', 'WITHCOORD')
  local out, kept = {}, 0
  for base = 1, #hits, 1000 do
    local last = math.min(base + 999, #hits)
    local ids = {}
    for i = base, last do ids[#ids + 1] = hits[i][1] end
    local ats = redis.call('ZMSCORE', KEYS[2], unpack(ids))
    for i = base, last do
      local at = ats[i - base + 1] or '0'
      if (not fresh) or tonumber(at) >= fresh then
        local h = hits[i]
        out[#out + 1] = h[1]
        out[#out + 1] = h[2]
        out[#out + 1] = h[3][1]
        out[#out + 1] = h[3][2]
        out[#out + 1] = at
        kept = kept + 1
        if kept == limit then return out end
      end
    end
  end
  if #hits < count then return out end
  count = count * 4
end
`;

/** ARGV = olderThan, batch. Removes up to `batch` of the oldest stale points; returns how many. */
const PRUNE_LUA = `
local ids = redis.call('ZRANGE', KEYS[2], '-inf', '(' .. ARGV[1], 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return 0 end
redis.call('ZREM', KEYS[1], unpack(ids))
redis.call('ZREM', KEYS[2], unpack(ids))
return #ids
`;

/**
 * The commands `defineCommand` adds; ioredis cannot type them. ARGV goes as one array (ioredis
 * flattens it) because spreading 80k arguments into a call can overflow the JS stack.
 */
interface GeoScripts {
  lastmileGeoUpsert(geoKey: string, atKey: string, argv: string[]): Promise<unknown>;
  lastmileGeoSearch(geoKey: string, atKey: string, ...args: string[]): Promise<unknown>;
  lastmileGeoPrune(geoKey: string, atKey: string, ...args: string[]): Promise<unknown>;
}

/**
 * Redis GEO adapter: latest position per id in a GEO set, recorded-at in a sorted set beside it.
 * Every write and every search is one Lua script (EVALSHA after the first call on a connection),
 * so a batch is atomic and costs one round trip. The client is shared: close() leaves it open.
 * Coordinates come back quantised to Redis's 52-bit geohash (well under 1 m of error).
 */
export function createRedisGeoIndex(redis: Redis, opts: RedisGeoIndexOptions): RedisGeoIndex {
  const geoKey = opts.key;
  const atKey = `${opts.key}:at`;
  // Redefining on a shared client is harmless: same name, same script, same SHA.
  redis.defineCommand('lastmileGeoUpsert', { numberOfKeys: 2, lua: UPSERT_LUA });
  redis.defineCommand('lastmileGeoSearch', { numberOfKeys: 2, lua: SEARCH_LUA, readOnly: true });
  redis.defineCommand('lastmileGeoPrune', { numberOfKeys: 2, lua: PRUNE_LUA });
  const scripts = redis as unknown as GeoScripts;
  let closed = false;

  function assertOpen(): void {
    if (closed) throw new Error('redis geo index is closed');
  }

  return {
    kind: 'redis',

    async upsert(points: readonly GeoPoint[]): Promise<void> {
      assertOpen();
      if (points.length === 0) return;
      await scripts.lastmileGeoUpsert(geoKey, atKey, upsertArgs(points));
    },

    async remove(ids: readonly string[]): Promise<void> {
      assertOpen();
      if (ids.length === 0) return;
      // MULTI so no reader sees a position without its timestamp or the other way round.
      throwFirstError(
        await redis
          .multi()
          .zrem(geoKey, ...ids)
          .zrem(atKey, ...ids)
          .exec(),
      );
    },

    async get(id: string): Promise<GeoPoint | null> {
      assertOpen();
      // MULTI so a concurrent upsert cannot pair one fix's position with another's timestamp.
      const [posReply, atReply] = throwFirstError(
        await redis.multi().geopos(geoKey, id).zscore(atKey, id).exec(),
      );
      const pos = (posReply as Array<[unknown, unknown] | null> | undefined)?.[0];
      if (!pos || atReply === null || atReply === undefined) return null;
      return { id, lng: Number(pos[0]), lat: Number(pos[1]), at: Number(atReply) };
    },

    async search(query: GeoSearch): Promise<GeoHit[]> {
      assertOpen();
      assertSearch(query, MAX_LAT);
      return search(scripts, geoKey, atKey, query);
    },

    async size(): Promise<number> {
      assertOpen();
      return Number(await redis.zcard(atKey));
    },

    async prune(olderThan: number): Promise<number> {
      assertOpen();
      if (!Number.isFinite(olderThan))
        throw new RangeError(`prune olderThan must be finite: ${olderThan}`);
      let total = 0;
      for (;;) {
        const n = Number(
          await scripts.lastmileGeoPrune(geoKey, atKey, String(olderThan), String(PRUNE_BATCH)),
        );
        total += n;
        if (n < PRUNE_BATCH) return total;
      }
    },

    async close(): Promise<void> {
      // The caller owns the client; closing the index only stops this handle from being used.
      closed = true;
    },
  };
}

/**
 * The upsert script's ARGV: id, lng, lat, at per point, the newest point per id only (later wins
 * a tie, as sequential upserts would). Validated before sending: a GEOADD error mid-script would
 * leave earlier chunks written.
 */
function upsertArgs(points: readonly GeoPoint[]): string[] {
  const newest = new Map<string, GeoPoint>();
  for (const p of points) {
    assertPoint(p, MAX_LAT, ' for Redis GEO');
    const seen = newest.get(p.id);
    if (!seen || p.at >= seen.at) newest.set(p.id, p);
  }
  const args: string[] = [];
  for (const p of newest.values()) args.push(p.id, String(p.lng), String(p.lat), String(p.at));
  return args;
}

async function search(
  scripts: GeoScripts,
  geoKey: string,
  atKey: string,
  query: GeoSearch,
): Promise<GeoHit[]> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (limit <= 0) return [];
  const reply = (await scripts.lastmileGeoSearch(
    geoKey,
    atKey,
    String(query.lng),
    String(query.lat),
    String(query.radiusM * TO_REDIS),
    String(limit),
    query.freshSince === undefined ? '' : String(query.freshSince),
  )) as unknown[];
  const hits: GeoHit[] = [];
  for (let i = 0; i + 4 < reply.length; i += 5) {
    hits.push({
      id: String(reply[i]),
      distanceM: Number(reply[i + 1]) / TO_REDIS,
      lng: Number(reply[i + 2]),
      lat: Number(reply[i + 3]),
      at: Number(reply[i + 4]),
    });
  }
  return hits;
}

/** EXEC reports per-command errors in its reply instead of rejecting; surface them. */
function throwFirstError(replies: Array<[error: Error | null, result: unknown]> | null): unknown[] {
  if (replies === null) throw new Error('redis transaction was aborted');
  return replies.map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}
