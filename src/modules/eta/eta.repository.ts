import type { Generated, Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { Stat } from './eta-learning.ts';

/** Learned preparation time per store and UTC hour (migrations/0001_eta.sql). */
export interface EtaPrepStatsTable {
  store_id: string;
  hour: number;
  mean_s: number;
  p90_s: number;
  samples: number;
  updated_at: Generated<Date>;
}

/** Learned travel speed per vehicle and UTC hour. */
export interface EtaSpeedStatsTable {
  vehicle: string;
  hour: number;
  mean_mps: number;
  p90_mps: number;
  samples: number;
  updated_at: Generated<Date>;
}

interface Tables {
  eta_prep_stats: EtaPrepStatsTable;
  eta_speed_stats: EtaSpeedStatsTable;
}

/** The learned statistics, read as `Stat`s and updated one key at a time under a row lock. */
export function etaRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  const prepStat = (x: Kysely<Tables>, storeId: string, hour: number) =>
    x
      .selectFrom('eta_prep_stats')
      .select(['mean_s as mean', 'p90_s as p90', 'samples'])
      .where('store_id', '=', storeId)
      .where('hour', '=', hour);
  const speedStat = (x: Kysely<Tables>, vehicle: string, hour: number) =>
    x
      .selectFrom('eta_speed_stats')
      .select(['mean_mps as mean', 'p90_mps as p90', 'samples'])
      .where('vehicle', '=', vehicle)
      .where('hour', '=', hour);
  return {
    async prepStat(storeId: string, hour: number): Promise<Stat | null> {
      return (await prepStat(q, storeId, hour).executeTakeFirst()) ?? null;
    },

    /** Every learned speed, keyed `<vehicle>:<hour>` (a few hundred rows at most). */
    async speedStats(): Promise<Map<string, Stat>> {
      const rows = await q
        .selectFrom('eta_speed_stats')
        .select(['vehicle', 'hour', 'mean_mps', 'p90_mps', 'samples'])
        .execute();
      return new Map(
        rows.map((x) => [
          `${x.vehicle}:${x.hour}`,
          { mean: x.mean_mps, p90: x.p90_mps, samples: x.samples },
        ]),
      );
    },

    /**
     * Replaces the store's statistic for the hour by `next(current)` in one transaction, the row
     * locked in between, so concurrent samples each count once.
     */
    updatePrepStat(storeId: string, hour: number, next: (current: Stat | null) => Stat) {
      return q.transaction().execute(async (trx) => {
        const s = next((await prepStat(trx, storeId, hour).forUpdate().executeTakeFirst()) ?? null);
        await trx
          .insertInto('eta_prep_stats')
          .values({ store_id: storeId, hour, mean_s: s.mean, p90_s: s.p90, samples: s.samples })
          .onConflict((oc) =>
            oc.columns(['store_id', 'hour']).doUpdateSet((eb) => ({
              mean_s: eb.ref('excluded.mean_s'),
              p90_s: eb.ref('excluded.p90_s'),
              samples: eb.ref('excluded.samples'),
              updated_at: eb.fn<Date>('now'),
            })),
          )
          .execute();
      });
    },

    /** As `updatePrepStat`, for the speed of a vehicle (or the whole fleet) in an hour. */
    updateSpeedStat(vehicle: string, hour: number, next: (current: Stat | null) => Stat) {
      return q.transaction().execute(async (trx) => {
        const s = next(
          (await speedStat(trx, vehicle, hour).forUpdate().executeTakeFirst()) ?? null,
        );
        await trx
          .insertInto('eta_speed_stats')
          .values({ vehicle, hour, mean_mps: s.mean, p90_mps: s.p90, samples: s.samples })
          .onConflict((oc) =>
            oc.columns(['vehicle', 'hour']).doUpdateSet((eb) => ({
              mean_mps: eb.ref('excluded.mean_mps'),
              p90_mps: eb.ref('excluded.p90_mps'),
              samples: eb.ref('excluded.samples'),
              updated_at: eb.fn<Date>('now'),
            })),
          )
          .execute();
      });
    },
  };
}

export type EtaRepository = ReturnType<typeof etaRepository>;
