import type { DispatchDb, OfferRow } from './dispatch-tables.ts';

export function offersRepository(q: DispatchDb) {
  return {
    insertOffer: (o: OfferRow) =>
      q.insertInto('offers').values(o).returningAll().executeTakeFirstOrThrow(),
    offer: (id: string) =>
      q.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst(),
    openOfferOfDriver: (driverId: string) =>
      q
        .selectFrom('offers')
        .selectAll()
        .where('driver_id', '=', driverId)
        .where('status', '=', 'open')
        .executeTakeFirst(),

    /** Drivers offered this trip in its current cycle (an escalation starts a new one), or holding any open offer. */
    async excludedDrivers(
      tripId: string,
      cycle: number,
      among: readonly string[],
    ): Promise<Set<string>> {
      if (among.length === 0) return new Set();
      const rows = await q
        .selectFrom('offers')
        .select('driver_id')
        .where('driver_id', 'in', among)
        .where((eb) =>
          eb.or([
            eb.and([eb('trip_id', '=', tripId), eb('cycle', '=', cycle)]),
            eb('status', '=', 'open'),
          ]),
        )
        .execute();
      return new Set(rows.map((r) => r.driver_id));
    },

    /** Expires due open offers (claimed with SKIP LOCKED so dispatchers never expire one twice). */
    expireDue(now: Date, limit: number): Promise<OfferRow[]> {
      return q
        .updateTable('offers')
        .set({ status: 'expired', responded_at: now })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('offers')
            .select('id')
            .where('status', '=', 'open')
            .where('expires_at', '<=', now)
            .orderBy('expires_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
    },

    /** Answers an open offer, only if it is this driver's, still open and (for accept) unexpired. */
    respondToOffer(
      id: string,
      driverId: string,
      to: 'accepted' | 'declined',
      now: Date,
      reason: string | null,
    ) {
      let query = q
        .updateTable('offers')
        .set({ status: to, responded_at: now, reason })
        .where('id', '=', id)
        .where('driver_id', '=', driverId)
        .where('status', '=', 'open');
      if (to === 'accepted') query = query.where('expires_at', '>', now);
      return query.returningAll().executeTakeFirst();
    },
    withdrawOffers: (tripId: string, now: Date) =>
      q
        .updateTable('offers')
        .set({ status: 'withdrawn', responded_at: now })
        .where('trip_id', '=', tripId)
        .where('status', '=', 'open')
        .returningAll()
        .execute(),
  };
}
