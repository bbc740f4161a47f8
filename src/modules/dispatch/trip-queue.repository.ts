import type { DispatchDb, TripRow } from './dispatch-tables.ts';
import { OPEN_TRIP } from './trip-state.ts';

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

    /** Trips waiting for a driver, most urgent then oldest first, after `after` if given. */
    queue(limit: number, after?: { priority: number; created_at: Date; id: string }) {
      let query = q
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
        .orderBy('id')
        .limit(limit);
      if (after)
        query = query.where((eb) =>
          eb.or([
            eb('priority', '<', after.priority),
            eb.and([
              eb('priority', '=', after.priority),
              eb.or([
                eb('created_at', '>', after.created_at),
                eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)]),
              ]),
            ]),
          ]),
        );
      return query.execute();
    },
  };
}
