import type { Db } from '../../platform/db/pool.ts';
import { DELIVERY_TERMINAL } from './delivery-state.ts';
import { type DispatchDb, dispatchDb } from './dispatch-tables.ts';

/**
 * Dispatch's reads for the ops console: what happened to one order's delivery (its trip, every
 * offer made for the trip, the steps, ops' overrides, what the driver earned) and which drivers
 * carry which orders.
 */
export function dispatchLookupRepository(db: Db) {
  const q = dispatchDb(db);
  return {
    deliveryOfOrder: (orderId: string) =>
      q.selectFrom('deliveries').selectAll().where('order_id', '=', orderId).executeTakeFirst(),

    trip: (id: string) => q.selectFrom('trips').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The trip's offers, oldest first (index offers_trip), at most `limit`. */
    offersOfTrip: (tripId: string, limit: number) =>
      q
        .selectFrom('offers')
        .selectAll()
        .where('trip_id', '=', tripId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute(),

    /** The delivery's steps in the order they happened (index delivery_steps_delivery). */
    stepsOf: (deliveryId: string, limit: number) =>
      q
        .selectFrom('delivery_steps')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('id')
        .limit(limit)
        .execute(),

    overridesOf: (deliveryId: string, limit: number) =>
      q
        .selectFrom('delivery_overrides')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('id')
        .limit(limit)
        .execute(),

    earningOf: (deliveryId: string) =>
      q
        .selectFrom('driver_earnings')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .executeTakeFirst(),

    /**
     * The drop-offs its trip makes before this order's, in the trip's order (none: not batched, or
     * first).
     */
    dropoffsBefore: async (orderId: string): Promise<Door[]> =>
      (await dropoffsBeforeMany(q, [orderId])).get(orderId) ?? [],

    /** `dropoffsBefore` of each of these orders in one read: every order given has an entry. */
    dropoffsBeforeMany: (orderIds: readonly string[]) => dropoffsBeforeMany(q, orderIds),

    /** Each of these orders' delivery: its driver and status (unique order_id). */
    deliveriesOfOrders: (orderIds: readonly string[]) =>
      orderIds.length === 0
        ? Promise.resolve([])
        : q
            .selectFrom('deliveries')
            .select(['id', 'order_id', 'trip_id', 'driver_id', 'status'])
            .where('order_id', '=', (eb) => eb.fn.any(eb.val([...orderIds])))
            .execute(),

    /**
     * The orders a driver carries or carried, newest first (index deliveries_driver_order,
     * migrations/0004), below `before` when given.
     */
    async ordersOfDriver(driverId: string, before: string | undefined, limit: number) {
      let query = q
        .selectFrom('deliveries')
        .select('order_id')
        .where('driver_id', '=', driverId)
        .orderBy('order_id', 'desc')
        .limit(limit);
      if (before) query = query.where('order_id', '<', before);
      return (await query.execute()).map((r) => r.order_id);
    },

    /** Trips drivers hold now, at most `limit`, with their orders still under way (ops' live map). */
    tripsUnderWay: (limit: number) => tripsUnderWay(q, limit),
  };
}

type Door = { lat: number; lng: number };

/**
 * The drop-offs each order's trip makes before its own, in the trip's order (by promise, as the
 * trip view lists them; unique order_id, index deliveries_trip): the doors a batched order
 * waits for. An order that is not batched, or comes first, or has no delivery, gets none.
 */
async function dropoffsBeforeMany(
  q: DispatchDb,
  orderIds: readonly string[],
): Promise<Map<string, Door[]>> {
  const doors = new Map<string, Door[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return doors;
  const rows = await q
    .selectFrom('deliveries as mine')
    .innerJoin('deliveries as d', 'd.trip_id', 'mine.trip_id')
    .select(['mine.order_id', 'd.dropoff_lat as lat', 'd.dropoff_lng as lng'])
    .where('mine.order_id', '=', (eb) => eb.fn.any(eb.val([...orderIds])))
    .where('d.status', 'not in', [...DELIVERY_TERMINAL])
    // Strictly before: the order's own delivery never counts.
    .where((eb) =>
      eb.or([
        eb('d.promised_at', '<', eb.ref('mine.promised_at')),
        eb.and([
          eb('d.promised_at', '=', eb.ref('mine.promised_at')),
          eb('d.id', '<', eb.ref('mine.id')),
        ]),
      ]),
    )
    .orderBy('d.promised_at')
    .orderBy('d.id')
    .execute();
  for (const r of rows) doors.get(r.order_id)?.push({ lat: r.lat, lng: r.lng });
  return doors;
}

/**
 * The trips drivers hold now (index trips_one_per_driver), the first `limit` by id, each with all
 * the orders of its deliveries still under way: the ops console's live map.
 */
async function tripsUnderWay(
  q: DispatchDb,
  limit: number,
): Promise<Array<{ trip_id: string; driver_id: string; order_ids: string[] }>> {
  const rows = await q
    .selectFrom('trips as t')
    .innerJoin('deliveries as d', 'd.trip_id', 't.id')
    .select(['t.id as trip_id', 't.driver_id', 'd.order_id'])
    // The limit counts trips, not their deliveries: a trip is shown with all its orders or not at all.
    .where('t.id', 'in', (eb) =>
      eb
        .selectFrom('trips')
        .select('id')
        .where('status', '=', 'assigned')
        .orderBy('id')
        .limit(limit),
    )
    .where('t.status', '=', 'assigned')
    .where('d.status', 'not in', [...DELIVERY_TERMINAL])
    .orderBy('t.id')
    .orderBy('d.order_id')
    .execute();
  const trips = new Map<string, { trip_id: string; driver_id: string; order_ids: string[] }>();
  for (const r of rows) {
    if (!r.driver_id) continue;
    const trip = trips.get(r.trip_id) ?? {
      trip_id: r.trip_id,
      driver_id: r.driver_id,
      order_ids: [],
    };
    trip.order_ids.push(r.order_id);
    trips.set(r.trip_id, trip);
  }
  return [...trips.values()];
}
