import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { LatLng } from './coverage.ts';
import type { OpeningHours } from './opening-hours.ts';

export type StoreStatus = 'open' | 'paused' | 'closed';

export interface StoresTable {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  zone_radius_m: number;
  zone_polygon: LatLng[] | null;
  timezone: string;
  opening_hours: OpeningHours;
  status: Generated<StoreStatus>;
  avg_prep_s: number;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface Tables {
  stores: StoresTable;
  store_coverage: { cell: bigint | string; store_id: string };
}

export type StoreRow = Selectable<StoresTable>;
export type StoreFields = Omit<StoreRow, 'id' | 'status' | 'version' | 'created_at' | 'updated_at'>;

const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;

export function storesRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    insert(id: string, f: StoreFields) {
      return q
        .insertInto('stores')
        .values({
          ...f,
          id,
          zone_polygon: f.zone_polygon ? (json(f.zone_polygon) as never) : null,
          opening_hours: json(f.opening_hours) as never,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    find(id: string) {
      return q.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Applies the fields given; `expectedVersion` turns a concurrent edit into a miss. */
    update(
      id: string,
      f: Partial<StoreFields> & { status?: StoreStatus },
      expectedVersion?: number,
    ) {
      const set: Record<string, unknown> = {
        ...f,
        version: sql`version + 1`,
        updated_at: sql`now()`,
      };
      if (f.zone_polygon !== undefined)
        set.zone_polygon = f.zone_polygon ? json(f.zone_polygon) : null;
      if (f.opening_hours !== undefined) set.opening_hours = json(f.opening_hours);
      let query = q
        .updateTable('stores')
        .set(set as never)
        .where('id', '=', id);
      if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
      return query.returningAll().executeTakeFirst();
    },
    async replaceCoverage(storeId: string, cells: readonly bigint[]) {
      await q.deleteFrom('store_coverage').where('store_id', '=', storeId).execute();
      if (cells.length === 0) return;
      await sql`INSERT INTO store_coverage (cell, store_id)
        SELECT unnest(${cells.map(String)}::bigint[]), ${storeId}::uuid`.execute(db);
    },
    /** Stores whose coverage includes the cell: the candidates for a point inside it. */
    inCell(cell: bigint) {
      return q
        .selectFrom('store_coverage as c')
        .innerJoin('stores as s', 's.id', 'c.store_id')
        .selectAll('s')
        .where('c.cell', '=', cell.toString())
        .execute();
    },
    list(p: { after?: string; limit: number; status?: StoreStatus }) {
      let query = q.selectFrom('stores').selectAll().orderBy('id').limit(p.limit);
      if (p.after) query = query.where('id', '>', p.after);
      if (p.status) query = query.where('status', '=', p.status);
      return query.execute();
    },
  };
}
