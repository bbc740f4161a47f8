import { createCache } from '../../platform/cache/cache.ts';
import type { Clock } from '../../platform/context.ts';
import type { Learned, Stat } from './eta-learning.ts';
import { PLANNING_SPEED_MPS } from './eta-math.ts';
import { TRUSTED_SAMPLES } from './eta-learning.ts';
import type { Lookup } from './eta-model.ts';
import type { EtaRepository } from './eta.repository.ts';

/** Cold-start speeds (m/s) until the history has taught us better. */
const DEFAULT_SPEED_MPS: Record<string, number> = PLANNING_SPEED_MPS;
const CACHE_MS = 60_000;
/** A statistic read steadily is reloaded in the background after this, so no estimate waits. */
const REFRESH_MS = 15_000;

export const defaultSpeedMps = (key: string) =>
  DEFAULT_SPEED_MPS[key] ?? DEFAULT_SPEED_MPS.fleet ?? 5.5;

/**
 * The learned statistics as estimates read them: cached in process (refreshed in the background,
 * at most a minute old), so checkout and the tracking pushes cost no query on the hot path.
 */
export function learnedStats(repo: EtaRepository, clock: Clock) {
  // Per key (a store, a zone, the fleet): every kind and hour learned for it, read together.
  const learnedCache = createCache<Map<string, Learned>>({
    ttlMs: CACHE_MS,
    refreshAfterMs: REFRESH_MS,
    maxEntries: 20_000,
    now: () => clock.now(),
  });
  // One entry: every learned speed, read together.
  const speedCache = createCache<Map<string, Stat>>({
    ttlMs: CACHE_MS,
    maxEntries: 1,
    now: () => clock.now(),
  });

  const learnedFor = (key: string) =>
    learnedCache.get(key, async () => {
      const rows = await repo.learnedFor(key);
      return new Map(rows.map((r) => [`${r.kind}:${r.hour}`, r]));
    });

  /** The speed on streets (m/s) of each vehicle (or `fleet`) at this hour, read at once. */
  async function speedsAt(hour: number): Promise<(key: string) => number> {
    const byKey = await speedCache.get('all', () => repo.speedStats());
    return (key) => {
      const learned = byKey.get(`${key}:${hour}`);
      return learned && learned.samples >= TRUSTED_SAMPLES ? learned.mean : defaultSpeedMps(key);
    };
  }

  return {
    /** The statistics of these keys, for the pure model to read. */
    async lookup(keys: readonly string[]): Promise<Lookup> {
      const maps = new Map(
        await Promise.all(keys.map(async (k) => [k, await learnedFor(k)] as const)),
      );
      return (kind, key, hour) => maps.get(key)?.get(`${kind}:${hour}`) ?? null;
    },

    speedsAt,

    /** The speed on streets (m/s) of a vehicle, or of the fleet, at this hour. */
    async speedMps(vehicle: string | null, hour: number): Promise<number> {
      return (await speedsAt(hour))(vehicle ?? 'fleet');
    },

    /** New samples changed these keys' statistics: the next estimate reads them again. */
    forget: (keys: Iterable<string>) => {
      for (const k of keys) learnedCache.delete(k);
    },
    forgetSpeeds: () => speedCache.clear(),
  };
}
