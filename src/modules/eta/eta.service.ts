import { sql } from 'kysely';
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

/**
 * Estimates from learned statistics, cached in process (refreshed every minute), so an estimate
 * costs no query on the hot path: checkout and the tracking pushes call it freely.
 */
export function etaService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
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

  function prepStat(storeId: string, hour: number): Promise<Stat | null> {
    return prepCache.get(`${storeId}:${hour}`, () =>
      sql<{
        mean_s: number;
        p90_s: number;
        samples: number;
      }>`SELECT mean_s, p90_s, samples FROM eta_prep_stats WHERE store_id = ${storeId} AND hour = ${hour}`
        .execute(db)
        .then((r) => {
          const row = r.rows[0];
          return row ? { mean: row.mean_s, p90: row.p90_s, samples: row.samples } : null;
        }),
    );
  }

  async function speedMps(vehicle: string | null, hour: number): Promise<number> {
    const byKey = await speedCache.get('all', () =>
      sql<{
        vehicle: string;
        hour: number;
        mean_mps: number;
        p90_mps: number;
        samples: number;
      }>`SELECT * FROM eta_speed_stats`
        .execute(db)
        .then(
          (r) =>
            new Map(
              r.rows.map((x) => [
                `${x.vehicle}:${x.hour}`,
                { mean: x.mean_mps, p90: x.p90_mps, samples: x.samples },
              ]),
            ),
        ),
    );
    const key = vehicle ?? 'fleet';
    const learned = byKey.get(`${key}:${hour}`);
    return learned && learned.samples >= 20
      ? learned.mean
      : (DEFAULT_SPEED_MPS[key] ?? DEFAULT_SPEED_MPS.fleet ?? 5.5);
  }

  async function estimate(r: EtaRequest): Promise<Eta> {
    const now = clock.now();
    const prep =
      (await prepStat(r.storeId, hourOf(r.acceptedAt ?? now))) ??
      coldStat(r.defaultPrepS, r.defaultPrepS * 1.5);
    const readyAt = r.readyAt ?? (r.acceptedAt ?? now) + prep.mean * 1000;
    return estimateArrival({
      now,
      phase: r.phase,
      readyAt,
      store: r.store,
      dropoff: r.dropoff,
      driver: r.driver,
      speedMps: await speedMps(r.driver?.vehicle ?? null, hourOf(now)),
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
      await db.transaction().execute(async (trx) => {
        const row = (
          await sql<{
            mean_s: number;
            p90_s: number;
            samples: number;
          }>`SELECT mean_s, p90_s, samples FROM eta_prep_stats WHERE store_id = ${storeId} AND hour = ${hour} FOR UPDATE`.execute(
            trx,
          )
        ).rows[0];
        const next = observe(
          row
            ? { mean: row.mean_s, p90: row.p90_s, samples: row.samples }
            : coldStat(defaultPrepS, defaultPrepS * 1.5),
          seconds,
        );
        await sql`INSERT INTO eta_prep_stats (store_id, hour, mean_s, p90_s, samples) VALUES (${storeId}, ${hour}, ${next.mean}, ${next.p90}, ${next.samples})
          ON CONFLICT (store_id, hour) DO UPDATE SET mean_s = EXCLUDED.mean_s, p90_s = EXCLUDED.p90_s, samples = EXCLUDED.samples, updated_at = now()`.execute(
          trx,
        );
      });
      prepCache.delete(`${storeId}:${hour}`);
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
          await db.transaction().execute(async (trx) => {
            const row = (
              await sql<{
                mean_mps: number;
                p90_mps: number;
                samples: number;
              }>`SELECT mean_mps, p90_mps, samples FROM eta_speed_stats WHERE vehicle = ${key} AND hour = ${hour} FOR UPDATE`.execute(
                trx,
              )
            ).rows[0];
            let s = row
              ? { mean: row.mean_mps, p90: row.p90_mps, samples: row.samples }
              : coldStat(DEFAULT_SPEED_MPS[key] ?? 5.5, (DEFAULT_SPEED_MPS[key] ?? 5.5) * 1.4);
            for (const v of samples) s = observe(s, v, 0.01);
            await sql`INSERT INTO eta_speed_stats (vehicle, hour, mean_mps, p90_mps, samples) VALUES (${key}, ${hour}, ${s.mean}, ${s.p90}, ${s.samples})
              ON CONFLICT (vehicle, hour) DO UPDATE SET mean_mps = EXCLUDED.mean_mps, p90_mps = EXCLUDED.p90_mps, samples = EXCLUDED.samples, updated_at = now()`.execute(
              trx,
            );
          });
        }
        learned += samples.length;
      }
      speedCache.clear();
      return learned;
    },
  };
}

export type EtaService = ReturnType<typeof etaService>;
