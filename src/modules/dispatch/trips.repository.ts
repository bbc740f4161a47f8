import type { DispatchDb, TripRow } from './dispatch-tables.ts';
import { OPEN_TRIP, type TripStatus } from './trip-state.ts';

/** A trip not yet offered to anyone: first radius, first search cycle, no driver. */
export function newTrip(p: {
  id: string;
  storeId: string;
  pickup: { lat: number; lng: number };
  items: number;
  dispatchAt: Date;
  now: Date;
  status?: 'scheduled' | 'searching';
}): TripRow {
  return {
    id: p.id,
    store_id: p.storeId,
    pickup_lat: p.pickup.lat,
    pickup_lng: p.pickup.lng,
    status: p.status ?? 'scheduled',
    driver_id: null,
    items: p.items,
    dispatch_at: p.dispatchAt,
    next_attempt_at: p.dispatchAt,
    round: 0,
    offers_in_round: 0,
    offers_made: 0,
    cycle: 1,
    priority: 0,
    escalated_at: null,
    assigned_at: null,
    replanned_at: null,
    created_at: p.now,
    status_at: p.now,
    version: 1,
  };
}

export function tripsRepository(q: DispatchDb) {
  return {
    insertTrip: (t: TripRow) =>
      q.insertInto('trips').values(t).returningAll().executeTakeFirstOrThrow(),
    trip: (id: string) => q.selectFrom('trips').selectAll().where('id', '=', id).executeTakeFirst(),
    tripForUpdate: (id: string) =>
      q.selectFrom('trips').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    assignedTripOfDriver: (driverId: string) =>
      q
        .selectFrom('trips')
        .selectAll()
        .where('driver_id', '=', driverId)
        .where('status', '=', 'assigned')
        .executeTakeFirst(),

    /**
     * Assigned trips whose driver has not reached the store with any bag yet and that were never
     * re-planned, assigned before `before` (the driver had a moment to set off), oldest first.
     */
    replannable(before: Date, limit: number) {
      return q
        .selectFrom('trips')
        .selectAll()
        .where('status', '=', 'assigned')
        .where('replanned_at', 'is', null)
        .where('assigned_at', '<', before)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('deliveries')
                .select('deliveries.id')
                .whereRef('deliveries.trip_id', '=', 'trips.id')
                .where('deliveries.status', 'not in', ['assigned', 'canceled']),
            ),
          ),
        )
        .orderBy('assigned_at')
        .limit(limit)
        .execute();
    },

    /** Open single-delivery trips of a store that a new order could join, locked. */
    batchableTrips(storeId: string) {
      return q
        .selectFrom('trips')
        .selectAll()
        .where('store_id', '=', storeId)
        .where('status', 'in', OPEN_TRIP)
        .where((eb) =>
          eb(
            eb
              .selectFrom('deliveries')
              .select(eb.fn.countAll().as('n'))
              .whereRef('deliveries.trip_id', '=', 'trips.id'),
            '=',
            1,
          ),
        )
        .orderBy('created_at')
        .limit(5)
        .forUpdate()
        .execute();
    },

    /** Moves a trip if it is still at `version` (nobody else moved it meanwhile). */
    updateTrip(
      id: string,
      version: number,
      set: Partial<Omit<TripRow, 'id' | 'version'>>,
      from?: readonly TripStatus[],
    ) {
      let query = q
        .updateTable('trips')
        .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', version);
      if (from) query = query.where('status', 'in', from);
      return query.returningAll().executeTakeFirst();
    },
  };
}
