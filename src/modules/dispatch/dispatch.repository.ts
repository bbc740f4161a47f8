import { type Generated, type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { DeliveryStatus } from './delivery-state.ts';

export type TripStatus = 'scheduled' | 'searching' | 'offered' | 'assigned' | 'done' | 'canceled';
export type OfferStatus = 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface TripsTable {
  id: string;
  store_id: string;
  pickup_lat: number;
  pickup_lng: number;
  status: TripStatus;
  driver_id: string | null;
  items: number;
  dispatch_at: Date;
  next_attempt_at: Date | null;
  round: number;
  offers_in_round: number;
  offers_made: number;
  cycle: number;
  priority: number;
  escalated_at: Date | null;
  assigned_at: Date | null;
  created_at: Date;
  status_at: Date;
  version: number;
}

export interface DeliveriesTable {
  id: string;
  order_id: string;
  trip_id: string;
  store_id: string;
  customer_id: string;
  dropoff_lat: number;
  dropoff_lng: number;
  dropoff_address: string;
  items: number;
  age_restricted: boolean;
  status: DeliveryStatus;
  driver_id: string | null;
  pin: string;
  order_ready: boolean;
  ready_estimate_at: Date;
  promised_at: Date;
  proof_photo_ref: string | null;
  age_checked: boolean | null;
  reason: string | null;
  rating: number | null;
  created_at: Date;
  status_at: Date;
  version: number;
}

export interface OffersTable {
  id: string;
  trip_id: string;
  driver_id: string;
  status: OfferStatus;
  score: number;
  pickup_m: number;
  radius_m: number;
  cycle: number;
  created_at: Date;
  expires_at: Date;
  responded_at: Date | null;
  reason: string | null;
}

export interface DeliveryStepsTable {
  id: Generated<string>;
  delivery_id: string;
  status: string;
  driver_id: string | null;
  lat: number | null;
  lng: number | null;
  at: Date;
  note: string | null;
}

interface Tables {
  trips: TripsTable;
  deliveries: DeliveriesTable;
  offers: OffersTable;
  delivery_steps: DeliveryStepsTable;
}

export type TripRow = Selectable<TripsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type OfferRow = Selectable<OffersTable>;

export const OPEN_TRIP: readonly TripStatus[] = ['scheduled', 'searching'];

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
    created_at: p.now,
    status_at: p.now,
    version: 1,
  };
}

export function dispatchRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    q,
    insertTrip: (t: TripRow) =>
      q.insertInto('trips').values(t).returningAll().executeTakeFirstOrThrow(),
    insertDelivery: (d: DeliveryRow) =>
      q.insertInto('deliveries').values(d).returningAll().executeTakeFirstOrThrow(),
    trip: (id: string) => q.selectFrom('trips').selectAll().where('id', '=', id).executeTakeFirst(),
    tripForUpdate: (id: string) =>
      q.selectFrom('trips').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    delivery: (id: string) =>
      q.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst(),
    deliveryByOrder: (orderId: string) =>
      q.selectFrom('deliveries').selectAll().where('order_id', '=', orderId).executeTakeFirst(),
    deliveryByOrderForUpdate: (orderId: string) =>
      q
        .selectFrom('deliveries')
        .selectAll()
        .where('order_id', '=', orderId)
        .forUpdate()
        .executeTakeFirst(),
    deliveriesOfTrip: (tripId: string) =>
      q
        .selectFrom('deliveries')
        .selectAll()
        .where('trip_id', '=', tripId)
        .orderBy('promised_at')
        .execute(),
    offer: (id: string) =>
      q.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst(),
    openOfferOfDriver: (driverId: string) =>
      q
        .selectFrom('offers')
        .selectAll()
        .where('driver_id', '=', driverId)
        .where('status', '=', 'open')
        .executeTakeFirst(),
    openOfferOfTrip: (tripId: string) =>
      q
        .selectFrom('offers')
        .selectAll()
        .where('trip_id', '=', tripId)
        .where('status', '=', 'open')
        .executeTakeFirst(),
    assignedTripOfDriver: (driverId: string) =>
      q
        .selectFrom('trips')
        .selectAll()
        .where('driver_id', '=', driverId)
        .where('status', '=', 'assigned')
        .executeTakeFirst(),

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

    /** Claims due trips for this dispatcher: their next look is pushed out by `leaseMs`. */
    async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<TripRow[]> {
      const r = await sql<TripRow>`
        UPDATE trips SET next_attempt_at = ${leaseUntil}
        WHERE id IN (SELECT id FROM trips WHERE status IN ('scheduled', 'searching') AND next_attempt_at <= ${now}
                     ORDER BY priority DESC, next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING *`.execute(db);
      return r.rows;
    },

    /** Expires due open offers (claimed with SKIP LOCKED so dispatchers never expire one twice). */
    async expireDue(now: Date, limit: number): Promise<OfferRow[]> {
      const r = await sql<OfferRow>`
        UPDATE offers SET status = 'expired', responded_at = ${now}
        WHERE id IN (SELECT id FROM offers WHERE status = 'open' AND expires_at <= ${now}
                     ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING *`.execute(db);
      return r.rows;
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
        .set({ ...set, version: sql`version + 1` })
        .where('id', '=', id)
        .where('version', '=', version);
      if (from) query = query.where('status', 'in', from);
      return query.returningAll().executeTakeFirst();
    },

    insertOffer: (o: OfferRow) =>
      q.insertInto('offers').values(o).returningAll().executeTakeFirstOrThrow(),

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

    updateDelivery(
      id: string,
      set: Partial<Omit<DeliveryRow, 'id' | 'version'>>,
      from: readonly DeliveryStatus[],
      driverId?: string,
    ) {
      let query = q
        .updateTable('deliveries')
        .set({ ...set, version: sql`version + 1` })
        .where('id', '=', id)
        .where('status', 'in', from);
      if (driverId) query = query.where('driver_id', '=', driverId);
      return query.returningAll().executeTakeFirst();
    },
    updateDeliveriesOfTrip(
      tripId: string,
      set: Partial<Omit<DeliveryRow, 'id' | 'version'>>,
      from: readonly DeliveryStatus[],
    ) {
      return q
        .updateTable('deliveries')
        .set({ ...set, version: sql`version + 1` })
        .where('trip_id', '=', tripId)
        .where('status', 'in', from)
        .returningAll()
        .execute();
    },
    async addSteps(steps: ReadonlyArray<Insertable<DeliveryStepsTable>>) {
      if (steps.length > 0)
        await q
          .insertInto('delivery_steps')
          .values([...steps])
          .execute();
    },
    steps: (deliveryId: string) =>
      q
        .selectFrom('delivery_steps')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('id')
        .execute(),

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
    deliveriesOfDriver(driverId: string, limit: number) {
      return q
        .selectFrom('deliveries')
        .selectAll()
        .where('driver_id', '=', driverId)
        .orderBy('status_at', 'desc')
        .limit(limit)
        .execute();
    },
  };
}
