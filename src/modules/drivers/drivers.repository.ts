import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

export const VEHICLES = ['bike', 'scooter', 'car'] as const;
export type Vehicle = (typeof VEHICLES)[number];
export const DRIVER_STATUSES = ['offline', 'available', 'on_delivery', 'break'] as const;
export type DriverStatus = (typeof DRIVER_STATUSES)[number];

export interface DriversTable {
  id: string;
  name: string;
  phone: string | null;
  vehicle: Vehicle;
  capacity_items: number;
  status: Generated<DriverStatus>;
  status_at: Generated<Date>;
  offers_received: Generated<number>;
  offers_accepted: Generated<number>;
  ratings_count: Generated<number>;
  ratings_sum: Generated<number>;
  deliveries_done: Generated<number>;
  last_job_at: Date | null;
  last_lat: number | null;
  last_lng: number | null;
  last_fix_at: Date | null;
  created_at: Generated<Date>;
  version: Generated<number>;
}

export type DriverRow = Selectable<DriversTable>;

interface Tables {
  drivers: DriversTable;
}

export function driversRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    insert(row: {
      id: string;
      name: string;
      phone: string | null;
      vehicle: Vehicle;
      capacity_items: number;
    }) {
      return q.insertInto('drivers').values(row).returningAll().executeTakeFirstOrThrow();
    },
    /** Inserts or keeps an existing profile (seeding runs again). */
    async ensure(row: {
      id: string;
      name: string;
      phone: string | null;
      vehicle: Vehicle;
      capacity_items: number;
    }) {
      await q
        .insertInto('drivers')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    find(id: string) {
      return q.selectFrom('drivers').selectAll().where('id', '=', id).executeTakeFirst();
    },
    list(p: { status?: DriverStatus; after?: string; limit: number }) {
      let query = q.selectFrom('drivers').selectAll().orderBy('id').limit(p.limit);
      if (p.status) query = query.where('status', '=', p.status);
      if (p.after) query = query.where('id', '>', p.after);
      return query.execute();
    },
    available(ids: readonly string[]) {
      if (ids.length === 0) return Promise.resolve([] as DriverRow[]);
      return q
        .selectFrom('drivers')
        .selectAll()
        .where('id', 'in', ids)
        .where('status', '=', 'available')
        .execute();
    },
    /** Moves the driver between statuses, only from one of `from`. */
    setStatus(id: string, from: readonly DriverStatus[], to: DriverStatus, at: Date) {
      return q
        .updateTable('drivers')
        .set({ status: to, status_at: at, version: sql`version + 1` })
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
    },
    async finishJob(id: string, delivered: number, at: Date) {
      return q
        .updateTable('drivers')
        .set({
          status: 'available',
          status_at: at,
          last_job_at: at,
          deliveries_done: sql`deliveries_done + ${delivered}`,
          version: sql`version + 1`,
        })
        .where('id', '=', id)
        .where('status', '=', 'on_delivery')
        .returningAll()
        .executeTakeFirst();
    },
    async recordOffer(id: string, accepted: boolean) {
      await q
        .updateTable('drivers')
        .set({
          offers_received: sql`offers_received + 1`,
          offers_accepted: sql`offers_accepted + ${accepted ? 1 : 0}`,
        })
        .where('id', '=', id)
        .execute();
    },
    async rate(id: string, stars: number) {
      await q
        .updateTable('drivers')
        .set({ ratings_count: sql`ratings_count + 1`, ratings_sum: sql`ratings_sum + ${stars}` })
        .where('id', '=', id)
        .execute();
    },
    /** History points since an instant with each driver's vehicle (travel-time learning). */
    async historySince(since: Date, limit: number) {
      const r = await sql<{
        driver_id: string;
        recorded_at: Date;
        lat: number;
        lng: number;
        vehicle: string;
      }>`
        SELECT l.driver_id, l.recorded_at, l.lat, l.lng, d.vehicle FROM driver_locations l JOIN drivers d ON d.id = l.driver_id
        WHERE l.recorded_at >= ${since} ORDER BY l.recorded_at LIMIT ${limit}`.execute(db);
      return r.rows.map((x) => ({
        driverId: x.driver_id,
        at: x.recorded_at.getTime(),
        lat: x.lat,
        lng: x.lng,
        vehicle: x.vehicle,
      }));
    },
    /** Drivers with a recent stored position: what rebuilds the live index. */
    positionsSince(since: Date) {
      return q
        .selectFrom('drivers')
        .select(['id', 'last_lat', 'last_lng', 'last_fix_at'])
        .where('last_fix_at', '>=', since)
        .execute();
    },
  };
}
