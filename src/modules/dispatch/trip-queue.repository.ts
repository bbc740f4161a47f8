import { type DispatchDb, OPEN_TRIP, type TripRow } from './dispatch-tables.ts';

/** Trips waiting for a driver: dispatchers claim the due ones, ops watches them all. */
export function tripQueueRepository(q: DispatchDb) {
  return {
    /** Claims due trips for this dispatcher: their next look is pushed out to `leaseUntil`. */
    claimDue(now: Date, leaseUntil: Date, limit: number): Promise<TripRow[]> {
      return q
        .updateTable('trips')
        .set({ next_attempt_at: leaseUntil })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('trips')
            .select('id')
            .where('status', 'in', OPEN_TRIP)
            .where('next_attempt_at', '<=', now)
            .orderBy('priority', 'desc')
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
    },

    /** Trips waiting for a driver, oldest and most urgent first. */
    queue(limit: number) {
      return q
        .selectFrom('trips')
        .selectAll()
        .select((eb) =>
          eb
            .selectFrom('deliveries')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('deliveries.trip_id', '=', 'trips.id')
            .as('deliveries'),
        )
        .where('status', 'in', ['scheduled', 'searching', 'offered'])
        .orderBy('priority', 'desc')
        .orderBy('created_at')
        .limit(limit)
        .execute();
    },
  };
}
