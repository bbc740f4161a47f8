import { createCache } from '../../platform/cache/cache.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { coldStat, type Fix, observe, segmentSpeeds, type Stat } from './eta-learning.ts';
import {
  type Eta,
  estimateArrival,
  type LatLng,
  PLANNING_SPEED_MPS,
  type Phase,
  promiseWindow,
} from './eta-math.ts';
import { type EtaRepository, etaRepository } from './eta.repository.ts';

/** Cold-start speeds (m/s) until the history has taught us better. */
const DEFAULT_SPEED_MPS: Record<string, number> = PLANNING_SPEED_MPS;
/** Until a driver is assigned, the expected time for one to reach the store after the offer. */
const UNASSIGNED_PICKUP_S = 300;
const CACHE_MS = 60_000;

const hourOf = (ms: number) => new Date(ms).getUTCHours();

export interface EtaRequest {
  phase: Phase;
  storeId: string;
  store: LatLng;
  dropoff: LatLng;
  /** Expected ready time if known (dispatch's estimate or the store's mark); else learned from the store. */
  readyAt: number | null;
  /** When the store accepted (preparation starts). */
  acceptedAt: number | null;
  driver: (LatLng & { vehicle: string }) | null;
  /** The store's configured average preparation time, the prior for a store with no history. */
  defaultPrepS: number;
}

/** The learned statistics as estimates read them: cached in process, refreshed every minute. */
function learnedStats(repo: EtaRepository, clock: Clock) {
  // A burst of checkouts for one store shares one load; a failed load is not remembered.
  const prepCache = createCache<Stat | null>({
    ttlMs: CACHE_MS,
    maxEntries: 50_000,
    now: () => clock.now(),
  });
  // One entry: every learned speed, read together.
  const speedCache = createCache<Map<string, Stat>>({
    ttlMs: CACHE_MS,
    maxEntries: 1,
    now: () => clock.now(),
  });

  const prepStat = (storeId: string, hour: number): Promise<Stat | null> =>
    prepCache.get(`${storeId}:${hour}`, () => repo.prepStat(storeId, hour));

  async function speedMps(vehicle: string | null, hour: number): Promise<number> {
    const byKey = await speedCache.get('all', () => repo.speedStats());
    const key = vehicle ?? 'fleet';
    const learned = byKey.get(`${key}:${hour}`);
    return learned && learned.samples >= 20
      ? learned.mean
      : (DEFAULT_SPEED_MPS[key] ?? DEFAULT_SPEED_MPS.fleet ?? 5.5);
  }

  return {
    prepStat,
    speedMps,
    /** A new sample changed this statistic: the next estimate reads it again. */
    forgetPrep: (storeId: string, hour: number) => prepCache.delete(`${storeId}:${hour}`),
    forgetSpeeds: () => speedCache.clear(),
  };
}

/**
 * Estimates from learned statistics, cached in process (refreshed every minute), so an estimate
 * costs no query on the hot path: checkout and the tracking pushes call it freely.
 */
export function etaService(deps: { db: Db; clock: Clock }) {
  const { clock } = deps;
  const repo = etaRepository(deps.db);
  const stats = learnedStats(repo, clock);

  async function estimate(r: EtaRequest): Promise<Eta> {
    const now = clock.now();
    const prep =
      (await stats.prepStat(r.storeId, hourOf(r.acceptedAt ?? now))) ??
      coldStat(r.defaultPrepS, r.defaultPrepS * 1.5);
    const readyAt = r.readyAt ?? (r.acceptedAt ?? now) + prep.mean * 1000;
    return estimateArrival({
      now,
      phase: r.phase,
      readyAt,
      store: r.store,
      dropoff: r.dropoff,
      driver: r.driver,
      speedMps: await stats.speedMps(r.driver?.vehicle ?? null, hourOf(now)),
      unassignedPickupS: UNASSIGNED_PICKUP_S,
      prepSpreadS: Math.max(60, prep.p90 - prep.mean),
    });
  }

  return {
    estimate,

    /** The window promised at checkout, for an order not yet accepted. */
    async promise(storeId: string, store: LatLng, dropoff: LatLng, defaultPrepS: number) {
      const eta = await estimate({
        phase: 'preparing',
        storeId,
        store,
        dropoff,
        readyAt: null,
        acceptedAt: clock.now(),
        driver: null,
        defaultPrepS,
      });
      return promiseWindow(clock.now(), eta);
    },

    /** A store packed an order: one more preparation sample for its hour. */
    async recordPrep(
      storeId: string,
      acceptedAt: number,
      seconds: number,
      defaultPrepS: number,
    ): Promise<void> {
      const hour = hourOf(acceptedAt);
      await repo.updatePrepStat(storeId, hour, (current) =>
        observe(current ?? coldStat(defaultPrepS, defaultPrepS * 1.5), seconds),
      );
      stats.forgetPrep(storeId, hour);
    },

    /** Folds the moving segments of recent history into the speed per vehicle and hour. */
    async learnSpeeds(fixes: ReadonlyArray<Fix & { vehicle: string }>): Promise<number> {
      const byVehicle = new Map<string, Fix[]>();
      for (const f of fixes) byVehicle.set(f.vehicle, [...(byVehicle.get(f.vehicle) ?? []), f]);
      let learned = 0;
      const hour = hourOf(clock.now());
      for (const [vehicle, list] of byVehicle) {
        const samples = segmentSpeeds(list);
        if (samples.length === 0) continue;
        for (const key of [vehicle, 'fleet']) {
          await repo.updateSpeedStat(key, hour, (current) => {
            const prior = DEFAULT_SPEED_MPS[key] ?? 5.5;
            let s = current ?? coldStat(prior, prior * 1.4);
            for (const v of samples) s = observe(s, v, 0.01);
            return s;
          });
        }
        learned += samples.length;
      }
      stats.forgetSpeeds();
      return learned;
    },
  };
}

export type EtaService = ReturnType<typeof etaService>;
