import { AppError } from '../../platform/errors.ts';
import type { PersonalData } from '../../platform/people/personal-data.ts';
import { driversDb } from './drivers.repository.ts';

/** What an erased driver's name becomes. */
export const ERASED_DRIVER_NAME = 'Erased driver';

/** The drivers module's part of exports and erasures: the profile and the location history. */
export const driversPersonalData: PersonalData = {
  async export(person, db) {
    if (!person.driverId) return {};
    const q = driversDb(db);
    const profile = await q
      .selectFrom('drivers')
      .selectAll()
      .where('id', '=', person.driverId)
      .executeTakeFirst();
    // Only the days still kept (LASTMILE_LOCATION_RETENTION_DAYS): older partitions are dropped.
    const locations = await q
      .selectFrom('driver_locations')
      .select(['recorded_at', 'lat', 'lng', 'accuracy_m', 'heading_deg', 'speed_mps'])
      .where('driver_id', '=', person.driverId)
      .orderBy('recorded_at')
      .execute();
    return { profile: profile ?? null, locations };
  },

  async refuseIfBusy(person, db) {
    if (!person.driverId) return;
    const d = await driversDb(db)
      .selectFrom('drivers')
      .select('status')
      .where('id', '=', person.driverId)
      .executeTakeFirst();
    if (d?.status === 'on_delivery')
      throw new AppError(
        'DRIVER_ON_JOB',
        'This driver is on a delivery; the account can be erased once it has ended',
      );
  },

  /** The profile keeps its counters (dispatch's statistics), not who or where the driver was. */
  async erase(person, trx) {
    if (!person.driverId) return;
    const q = driversDb(trx);
    await q
      .updateTable('drivers')
      .set((eb) => ({
        name: ERASED_DRIVER_NAME,
        phone: null,
        status: 'offline',
        last_lat: null,
        last_lng: null,
        last_fix_at: null,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', person.driverId)
      .execute();
    await q.deleteFrom('driver_locations').where('driver_id', '=', person.driverId).execute();
  },
};
