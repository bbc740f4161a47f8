import { sql } from 'kysely';
import type { DispatchDb, EarningRow } from './dispatch-tables.ts';

/** What drivers earned per delivery (driver-pay.ts), and the days it adds up to. */
export function earningsRepository(q: DispatchDb) {
  return {
    /** The offer the driver accepted for the trip (the latest, if ops gave it back to them). */
    acceptedOffer: (tripId: string, driverId: string) =>
      q
        .selectFrom('offers')
        .selectAll()
        .where('trip_id', '=', tripId)
        .where('driver_id', '=', driverId)
        .where('status', '=', 'accepted')
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst(),

    /** Records the delivery's earning once: a repeat finds its row and writes nothing (false). */
    async recordEarning(row: EarningRow): Promise<boolean> {
      const res = await q
        .insertInto('driver_earnings')
        .values(row)
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** A page of the driver's earnings in [from, to), oldest first, after the cursor's row. */
    earningsPage(
      driverId: string,
      range: { from: Date; to: Date },
      after: { at: Date; id: string } | null,
      limit: number,
    ) {
      let query = q
        .selectFrom('driver_earnings')
        .selectAll()
        .where('driver_id', '=', driverId)
        .where('earned_at', '>=', range.from)
        .where('earned_at', '<', range.to);
      if (after)
        query = query.where((eb) =>
          eb(eb.refTuple('earned_at', 'delivery_id'), '>', eb.tuple(after.at, after.id)),
        );
      return query.orderBy('earned_at').orderBy('delivery_id').limit(limit).execute();
    },

    /** The driver's totals per UTC day in [from, to), per currency. */
    dailyTotals(driverId: string, range: { from: Date; to: Date }) {
      // The UTC day of a timestamptz: Kysely has no expression for it.
      const day = sql<string>`to_char(earned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
      return q
        .selectFrom('driver_earnings')
        .select((eb) => [
          day.as('day'),
          'currency',
          eb.fn.countAll<string>().as('deliveries'),
          eb.fn.sum<string>('total_minor').as('total_minor'),
          eb.fn.sum<string>('waiting_minor').as('waiting_minor'),
        ])
        .where('driver_id', '=', driverId)
        .where('earned_at', '>=', range.from)
        .where('earned_at', '<', range.to)
        .groupBy([day, 'currency'])
        .orderBy(day)
        .execute();
    },

    /** The earnings of these deliveries. */
    async earningsOf(deliveryIds: readonly string[]) {
      if (deliveryIds.length === 0) return [];
      return q
        .selectFrom('driver_earnings')
        .selectAll()
        .where('delivery_id', 'in', deliveryIds)
        .execute();
    },

    /** The deliveries the driver held whose status last changed in [from, to), newest first. */
    deliveriesOfDriver: (driverId: string, range: { from: Date; to: Date }) =>
      q
        .selectFrom('deliveries')
        .selectAll()
        .where('driver_id', '=', driverId)
        .where('status_at', '>=', range.from)
        .where('status_at', '<', range.to)
        .orderBy('status_at', 'desc')
        .limit(500)
        .execute(),
  };
}
