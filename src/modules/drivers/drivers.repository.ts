import type { Generated, Kysely, Selectable } from 'kysely';
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

/** Throttled position history: one point per driver per LASTMILE_LOCATION_HISTORY_S. */
export interface DriverLocationsTable {
  driver_id: string;
  recorded_at: Date;
  lat: number;
  lng: number;
  accuracy_m: number | null;
  heading_deg: number | null;
  speed_mps: number | null;
}

export type DriverRow = Selectable<DriversTable>;

interface DriversTables {
  drivers: DriversTable;
  driver_locations: DriverLocationsTable;
}

/** The shared handle narrowed to the drivers module's tables: no other module's can be named. */
export type DriversDb = Kysely<DriversTables>;
export const driversDb = (db: Db): DriversDb => db as unknown as DriversDb;

type NewProfile = Pick<DriverRow, 'id' | 'name' | 'phone' | 'vehicle' | 'capacity_items'>;

/** Driver profiles: onboarding, shifts, and the counters dispatch keeps on them. */
export function driversRepository(db: Db) {
  const q = driversDb(db);
  return {
    insert(row: NewProfile) {
      return q.insertInto('drivers').values(row).returningAll().executeTakeFirstOrThrow();
    },
    /** Inserts or keeps an existing profile (seeding runs again). */
    async ensure(row: NewProfile) {
      await q
        .insertInto('drivers')
        .values(row)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
    find(id: string) {
      return q.selectFrom('drivers').selectAll().where('id', '=', id).executeTakeFirst();
    },
    list(p: { status?: DriverStatus | undefined; after?: string | undefined; limit: number }) {
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
        .set((eb) => ({ status: to, status_at: at, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
    },
    async finishJob(id: string, delivered: number, at: Date) {
      return q
        .updateTable('drivers')
        .set((eb) => ({
          status: 'available',
          status_at: at,
          last_job_at: at,
          deliveries_done: eb('deliveries_done', '+', delivered),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', id)
        .where('status', '=', 'on_delivery')
        .returningAll()
        .executeTakeFirst();
    },
    async recordOffer(id: string, accepted: boolean) {
      await q
        .updateTable('drivers')
        .set((eb) => ({
          offers_received: eb('offers_received', '+', 1),
          offers_accepted: eb('offers_accepted', '+', accepted ? 1 : 0),
        }))
        .where('id', '=', id)
        .execute();
    },
    async rate(id: string, stars: number) {
      await q
        .updateTable('drivers')
        .set((eb) => ({
          ratings_count: eb('ratings_count', '+', 1),
          ratings_sum: eb('ratings_sum', '+', stars),
        }))
        .where('id', '=', id)
        .execute();
    },
  };
}

/** The names of these drivers (those that exist), for ops' lists. */
export const driverNames = (db: Db, ids: readonly string[]) =>
  driversDb(db)
    .selectFrom('drivers')
    .select(['id', 'name'])
    .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .execute();

/** Drivers on shift (not offline), at most `limit`, with what the ops console's live map shows. */
export const onlineDrivers = (db: Db, limit: number) =>
  driversDb(db)
    .selectFrom('drivers')
    .select(['id', 'name', 'vehicle', 'status'])
    .where('status', '!=', 'offline')
    .orderBy('id')
    .limit(limit)
    .execute();
