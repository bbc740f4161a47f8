import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { DeliveryStatus } from './delivery-state.ts';
import { dispatchDb } from './dispatch-tables.ts';
import type { TripStatus } from './trip-state.ts';

export interface UntakenTripRow {
  id: string;
  store_id: string;
  status: TripStatus;
  dispatch_at: Date;
  offers_made: number;
  round: number;
  priority: number;
  escalated_at: Date | null;
  status_at: Date;
  order_ids: string[];
  since: Date;
}

/** Deliveries under way: a driver holds them. */
export const UNDER_WAY: readonly DeliveryStatus[] = [
  'assigned',
  'at_store',
  'picked_up',
  'at_dropoff',
];

/** Dispatch's reads for the ops console's attention list. */
export function dispatchAttentionRepository(db: Db) {
  const q = dispatchDb(db);
  return {
    /**
     * Trips still looking for a driver past `afterS` beyond their dispatch time, or after
     * `offers` offers nobody took; most overdue first, with their orders.
     */
    async untaken(p: {
      now: Date;
      afterS: number;
      offers: number;
      storeId?: string | undefined;
      limit: number;
    }): Promise<UntakenTripRow[]> {
      const { now } = p;
      // Raw: LEAST over one CASE per reason and the orders aggregated per trip, in a derived
      // table so the page is ordered and cut by when each became untaken.
      const rows = await sql<UntakenTripRow>`SELECT * FROM (
          SELECT t.id, t.store_id, t.status, t.dispatch_at, t.offers_made, t.round, t.priority,
            t.escalated_at, t.status_at,
            (SELECT array_agg(d.order_id ORDER BY d.created_at, d.id) FROM deliveries d
              WHERE d.trip_id = t.id AND d.status = 'pending') AS order_ids,
            LEAST(
              CASE WHEN t.dispatch_at < ${now}::timestamptz - make_interval(secs => ${p.afterS})
                THEN t.dispatch_at + make_interval(secs => ${p.afterS}) END,
              CASE WHEN t.offers_made >= ${p.offers} THEN t.status_at END
            ) AS since
          FROM trips t
          WHERE t.status IN ('scheduled', 'searching', 'offered')
            ${p.storeId ? sql`AND t.store_id = ${p.storeId}` : sql``}
        ) untaken
        WHERE since IS NOT NULL AND order_ids IS NOT NULL
        ORDER BY since, id
        LIMIT ${p.limit}`.execute(db);
      return rows.rows;
    },

    /**
     * Deliveries under way whose status has not changed for `quietS` (a step at a stop needs a
     * fresh position, so one that changed since cannot be silent that long), oldest first.
     */
    underWaySince: (p: { before: Date; storeId?: string | undefined; limit: number }) => {
      let query = q
        .selectFrom('deliveries')
        .select(['id', 'order_id', 'trip_id', 'store_id', 'status', 'driver_id', 'status_at'])
        .where('status', 'in', [...UNDER_WAY])
        .where('driver_id', 'is not', null)
        .where('status_at', '<', p.before);
      if (p.storeId) query = query.where('store_id', '=', p.storeId);
      return query.orderBy('status_at').orderBy('id').limit(p.limit).execute();
    },
  };
}
