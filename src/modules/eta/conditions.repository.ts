import { type Generated, type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { Condition, ConditionKind } from './conditions.ts';

/** Traffic and weather per zone and time, as the feeds reported them (migrations/0003_conditions.sql). */
export interface EtaConditionsTable {
  id: Generated<string>;
  source: string;
  kind: ConditionKind;
  zone: string | null;
  starts_at: Date;
  ends_at: Date;
  factor: number | null;
  created_at: Generated<Date>;
}

interface Tables {
  eta_conditions: EtaConditionsTable;
}

/** A stored condition: what the feed said, and which feed said it. */
export interface StoredCondition extends Condition {
  source: string;
}

/** Rows fetched at most per read (the feeds' whole picture of a city is far smaller). */
const READ_LIMIT = 20_000;

export function conditionsRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    /**
     * Replaces every condition of `source` with `rows` in one transaction, and drops every row
     * (of any source) that ended before `pruneBefore`.
     */
    replace(source: string, rows: readonly Condition[], pruneBefore: Date): Promise<void> {
      return q.transaction().execute(async (trx) => {
        // Two PUTs of one feed at once take turns (Kysely has no words for an advisory lock).
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`eta_conditions:${source}`}))`.execute(
          trx,
        );
        await trx.deleteFrom('eta_conditions').where('source', '=', source).execute();
        await trx.deleteFrom('eta_conditions').where('ends_at', '<', pruneBefore).execute();
        if (rows.length === 0) return;
        await trx
          .insertInto('eta_conditions')
          .values(
            rows.map((r) => ({
              source,
              kind: r.kind,
              zone: r.zone,
              starts_at: new Date(r.from),
              ends_at: new Date(r.until),
              factor: r.factor,
            })),
          )
          .execute();
      });
    },

    /** Every condition that ends after `since`, the soonest to start first. */
    async endingAfter(since: Date): Promise<StoredCondition[]> {
      const rows = await q
        .selectFrom('eta_conditions')
        .select(['source', 'kind', 'zone', 'starts_at', 'ends_at', 'factor'])
        .where('ends_at', '>', since)
        .orderBy('starts_at')
        .orderBy('id')
        .limit(READ_LIMIT)
        .execute();
      return rows.map((r) => ({
        source: r.source,
        kind: r.kind,
        zone: r.zone,
        from: r.starts_at.getTime(),
        until: r.ends_at.getTime(),
        factor: r.factor,
      }));
    },
  };
}

export type ConditionsRepository = ReturnType<typeof conditionsRepository>;
