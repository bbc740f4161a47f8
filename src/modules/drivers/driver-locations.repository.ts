import { type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { type DriverLocationsTable, driversDb } from './drivers.repository.ts';
import type { LocationPoint } from './location-filter.ts';

export interface HistoryPoint extends LocationPoint {
  driverId: string;
}

type LocationRow = Selectable<DriverLocationsTable>;
const LOCATION_COLUMNS = [
  'driver_id',
  'recorded_at',
  'lat',
  'lng',
  'accuracy_m',
  'heading_deg',
  'speed_mps',
] as const;

/** The points as rows of driver_locations: one array parameter per column, however many points. */
function pointRows(rows: readonly HistoryPoint[]) {
  const col = <T>(f: (p: HistoryPoint) => T) => rows.map(f);
  // Raw: Kysely has no builder for a multi-array unnest with a column definition list.
  return sql<LocationRow>`(SELECT * FROM unnest(
    ${col((p) => p.driverId)}::uuid[],
    ${col((p) => new Date(p.at).toISOString())}::timestamptz[],
    ${col((p) => p.lat)}::float8[],
    ${col((p) => p.lng)}::float8[],
    ${col((p) => p.accuracyM ?? null)}::real[],
    ${col((p) => p.headingDeg ?? null)}::real[],
    ${col((p) => p.speedMps ?? null)}::real[]
  ) AS t(driver_id, recorded_at, lat, lng, accuracy_m, heading_deg, speed_mps))`;
}

/** Where drivers have been: the throttled history and each driver's last stored position. */
export function driverLocationsRepository(db: Db) {
  const q = driversDb(db);
  return {
    /**
     * Stores the points (a repeated one is skipped: the key makes a retried batch a no-op) and
     * moves each driver's last position forward to their newest point, in one statement.
     */
    async addHistory(rows: readonly HistoryPoint[]): Promise<void> {
      await q
        .with('pts', () => pointRows(rows))
        .with('stored', (w) =>
          w
            .insertInto('driver_locations')
            .columns(LOCATION_COLUMNS)
            .expression(w.selectFrom('pts').selectAll())
            .onConflict((oc) => oc.doNothing()),
        )
        .with('latest', (w) =>
          w
            .selectFrom('pts')
            .distinctOn('driver_id')
            .select(['driver_id', 'recorded_at', 'lat', 'lng'])
            .orderBy('driver_id')
            .orderBy('recorded_at', 'desc'),
        )
        .updateTable('drivers as d')
        .from('latest')
        .set((eb) => ({
          last_lat: eb.ref('latest.lat'),
          last_lng: eb.ref('latest.lng'),
          last_fix_at: eb.ref('latest.recorded_at'),
        }))
        .whereRef('d.id', '=', 'latest.driver_id')
        .where((eb) =>
          eb.or([
            eb('d.last_fix_at', 'is', null),
            eb('d.last_fix_at', '<', eb.ref('latest.recorded_at')),
          ]),
        )
        .execute();
    },

    /** History points since an instant with each driver's vehicle (travel-time learning). */
    async historySince(since: Date, limit: number) {
      const rows = await q
        .selectFrom('driver_locations as l')
        .innerJoin('drivers as d', 'd.id', 'l.driver_id')
        .select(['l.driver_id', 'l.recorded_at', 'l.lat', 'l.lng', 'd.vehicle'])
        .where('l.recorded_at', '>=', since)
        .orderBy('l.recorded_at')
        .limit(limit)
        .execute();
      return rows.map((x) => ({
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
