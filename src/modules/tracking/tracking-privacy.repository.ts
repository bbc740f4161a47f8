import type { Kysely } from 'kysely';
import type { PersonalData } from '../../platform/people/personal-data.ts';
import type { TrackingMessagesTable, TrackingOrdersTable } from './tracking.repository.ts';

const q = (db: Parameters<PersonalData['export']>[1]) =>
  db as unknown as Kysely<{
    tracking_orders: TrackingOrdersTable;
    tracking_messages: TrackingMessagesTable;
  }>;

/**
 * The tracking module's part of exports and erasures: the tracking of a customer's orders (the
 * drop-off point and the log; driver positions are never logged). An ended order's row stays
 * with its last status, at 0, 0.
 */
export const trackingPersonalData: PersonalData = {
  async export(person, db) {
    const tracked = await q(db)
      .selectFrom('tracking_orders')
      .select(['order_id', 'status', 'dropoff_lat', 'dropoff_lng', 'eta_at', 'updated_at'])
      .where('customer_id', '=', person.userId)
      .orderBy('order_id')
      .execute();
    return { orders: tracked };
  },
  async erase(person, trx) {
    const theirs = q(trx)
      .selectFrom('tracking_orders')
      .select('order_id')
      .where('customer_id', '=', person.userId);
    await q(trx).deleteFrom('tracking_messages').where('order_id', 'in', theirs).execute();
    await q(trx)
      .updateTable('tracking_orders')
      .set({ dropoff_lat: 0, dropoff_lng: 0 })
      .where('customer_id', '=', person.userId)
      .execute();
  },
};
