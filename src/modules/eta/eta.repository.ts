import type { Generated, Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { Learned, Stat } from './eta-learning.ts';
import { ANY_HOUR, type PartKind } from './eta-model.ts';
import type { StatAddress } from './eta-timeline.ts';

/** Learned travel speed per vehicle and UTC hour (migrations/0001_eta.sql). */
export interface EtaSpeedStatsTable {
  vehicle: string;
  hour: number;
  mean_mps: number;
  p90_mps: number;
  samples: number;
  updated_at: Generated<Date>;
}

/**
 * The parts of deliveries learned per kind, key and hour (migrations/0002_eta_stats.sql); also the
 * weather's slowdown (kind `weather`, key `<weather>:<traveller>`, every hour: weather-slowdown.ts).
 */
export interface EtaStatsTable {
  kind: PartKind;
  key: string;
  hour: number;
  mean: number;
  dev: number;
  lo: number;
  hi: number;
  samples: number;
  updated_at: Generated<Date>;
}

interface Tables {
  eta_speed_stats: EtaSpeedStatsTable;
  eta_stats: EtaStatsTable;
}

const byAddress = (a: StatAddress, b: StatAddress) =>
  a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key) || a.hour - b.hour;

/** The learned statistics, read as `Stat`s or `Learned`s and updated under row locks. */
export const etaRepository = (db: Db) => ({ ...speedRepository(db), ...partsRepository(db) });

/** Travel speeds per vehicle and hour, from the location history. */
function speedRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  const speedStat = (x: Kysely<Tables>, vehicle: string, hour: number) =>
    x
      .selectFrom('eta_speed_stats')
      .select(['mean_mps as mean', 'p90_mps as p90', 'samples'])
      .where('vehicle', '=', vehicle)
      .where('hour', '=', hour);
  return {
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
     * Replaces the speed of a vehicle (or the whole fleet) in an hour by `next(current)` in one
     * transaction, the row locked in between, so concurrent samples each count once.
     */
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

/** The parts of deliveries, per kind, key and hour. */
function partsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    /** Every statistic learned for `key` (a store, a zone, the fleet): all kinds, all hours. */
    learnedFor: (key: string) =>
      q
        .selectFrom('eta_stats')
        .select(['kind', 'hour', 'mean', 'dev', 'lo', 'hi', 'samples'])
        .where('key', '=', key)
        .where('samples', '>', 0)
        .execute(),

    /** Every statistic of one kind learned for every hour (`ANY_HOUR`), by key. */
    async learnedOfKind(kind: PartKind): Promise<Map<string, Learned>> {
      const rows = await q
        .selectFrom('eta_stats')
        .select(['key', 'mean', 'dev', 'lo', 'hi', 'samples'])
        .where('kind', '=', kind)
        .where('hour', '=', ANY_HOUR)
        .where('samples', '>', 0)
        .execute();
      return new Map(rows.map(({ key, ...learned }) => [key, learned]));
    },

    /**
     * Replaces each statistic by `next(address, current)` in one transaction. The rows are
     * created first if missing (empty: `samples` 0, read as none), then locked in one order, so
     * concurrent samples each count once and two transactions never wait on each other in a
     * circle.
     */
    updateLearned(
      keys: readonly StatAddress[],
      next: (k: StatAddress, current: Learned | null) => Learned,
    ) {
      if (keys.length === 0) return Promise.resolve();
      const sorted = [...keys].sort(byAddress);
      return q.transaction().execute(async (trx) => {
        const empty = { mean: 0, dev: 0, lo: 0, hi: 0, samples: 0 };
        await trx
          .insertInto('eta_stats')
          .values(sorted.map((k) => ({ ...k, ...empty })))
          .onConflict((oc) => oc.columns(['kind', 'key', 'hour']).doNothing())
          .execute();
        const rows = await trx
          .selectFrom('eta_stats')
          .select(['kind', 'key', 'hour', 'mean', 'dev', 'lo', 'hi', 'samples'])
          .where((eb) =>
            eb(
              eb.refTuple('kind', 'key', 'hour'),
              'in',
              sorted.map((k) => eb.tuple(k.kind, k.key, k.hour)),
            ),
          )
          .orderBy('kind')
          .orderBy('key')
          .orderBy('hour')
          .forUpdate()
          .execute();
        const have = new Map(rows.map((r) => [`${r.kind}|${r.key}|${r.hour}`, r]));
        const values = sorted.map((k) => {
          const row = have.get(`${k.kind}|${k.key}|${k.hour}`);
          return { ...k, ...next(k, row && row.samples > 0 ? row : null) };
        });
        await trx
          .insertInto('eta_stats')
          .values(values)
          .onConflict((oc) =>
            oc.columns(['kind', 'key', 'hour']).doUpdateSet((eb) => ({
              mean: eb.ref('excluded.mean'),
              dev: eb.ref('excluded.dev'),
              lo: eb.ref('excluded.lo'),
              hi: eb.ref('excluded.hi'),
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
