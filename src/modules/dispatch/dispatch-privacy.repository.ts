import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { Person, PersonalData } from '../../platform/people/personal-data.ts';
import { DELIVERY_TERMINAL } from './delivery-state.ts';
import { dispatchDb } from './dispatch-tables.ts';

const ENDED = [...DELIVERY_TERMINAL];

/** A customer's deliveries: where to and how it went, not who carried them. */
function customerDeliveries(db: Db, userId: string) {
  return dispatchDb(db)
    .selectFrom('deliveries')
    .select(['id', 'order_id', 'store_id', 'status', 'dropoff_lat', 'dropoff_lng'])
    .select(['dropoff_address', 'pin', 'promised_at', 'rating', 'created_at', 'status_at'])
    .where('customer_id', '=', userId)
    .orderBy('id')
    .execute();
}

/** A driver's delivery history: the jobs, steps and offers, never the customers' addresses. */
async function driverHistory(db: Db, driverId: string) {
  const q = dispatchDb(db);
  const [deliveries, steps, offers] = await Promise.all([
    q
      .selectFrom('deliveries')
      .select(['id', 'order_id', 'trip_id', 'store_id', 'status', 'items', 'reason', 'rating'])
      .select(['created_at', 'status_at'])
      .where('driver_id', '=', driverId)
      .orderBy('id')
      .execute(),
    q
      .selectFrom('delivery_steps')
      .select(['delivery_id', 'status', 'lat', 'lng', 'at', 'note'])
      .where('driver_id', '=', driverId)
      .orderBy('id')
      .execute(),
    q
      .selectFrom('offers')
      .select(['id', 'trip_id', 'status', 'pickup_m', 'created_at', 'responded_at', 'reason'])
      .where('driver_id', '=', driverId)
      .orderBy('id')
      .execute(),
  ]);
  return { deliveries, steps, offers };
}

async function refuseDriverOnJob(db: Db, driverId: string): Promise<void> {
  const q = dispatchDb(db);
  const trip = await q
    .selectFrom('trips')
    .select('id')
    .where('driver_id', '=', driverId)
    .where('status', '=', 'assigned')
    .executeTakeFirst();
  const delivery = await q
    .selectFrom('deliveries')
    .select('id')
    .where('driver_id', '=', driverId)
    .where('status', 'not in', ENDED)
    .executeTakeFirst();
  if (trip || delivery)
    throw new AppError(
      'DRIVER_ON_JOB',
      'This driver holds a trip that has not ended; the account can be erased once it has',
      { details: { trip_id: trip?.id ?? null, delivery_id: delivery?.id ?? null } },
    );
}

/** The dispatch module's part of exports and erasures: deliveries, their steps and offers. */
export const dispatchPersonalData: PersonalData = {
  async export(person: Person, db: Db) {
    return {
      ...(person.role === 'customer'
        ? { deliveries: await customerDeliveries(db, person.userId) }
        : {}),
      ...(person.driverId ? { driver_history: await driverHistory(db, person.driverId) } : {}),
    };
  },

  async refuseIfBusy(person, db) {
    if (person.driverId) await refuseDriverOnJob(db, person.driverId);
  },

  /** A customer's drop-offs lose their address and photo; a driver's steps lose where they were. */
  async erase(person, trx) {
    const q = dispatchDb(trx);
    const theirs = q.selectFrom('deliveries').select('id').where('customer_id', '=', person.userId);
    await q
      .updateTable('deliveries')
      .set({ dropoff_address: '', dropoff_lat: 0, dropoff_lng: 0, proof_photo_ref: null })
      .where('customer_id', '=', person.userId)
      .execute();
    await q
      .updateTable('delivery_steps')
      .set({ lat: null, lng: null, note: null })
      .where('delivery_id', 'in', theirs)
      .execute();
    if (person.driverId)
      await q
        .updateTable('delivery_steps')
        .set({ lat: null, lng: null, note: null })
        .where('driver_id', '=', person.driverId)
        .execute();
  },
};
