import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, expect } from 'vitest';
import { driversFor, seedDriverProfile } from '../../src/modules/drivers/index.ts';
import { dispatchFor } from '../../src/modules/dispatch/index.ts';
import type { Db } from '../../src/platform/db/pool.ts';
import { startTestPlatform, type TestPlatform, waitFor } from './platform.ts';
import { openShop, type Shop } from './shop.ts';

/** Degrees of latitude per kilometre, near enough. */
export const KM = 0.009;

export interface TestDriver {
  id: string;
  token: string;
  lat: number;
  lng: number;
}

interface TripView {
  status: string;
  dispatch_at: Date;
  driver_id: string | null;
  items: number;
  round: number;
  priority: number;
  escalated_at: Date | null;
}
interface OfferView {
  id: string;
  driver_id: string;
  status: string;
  radius_m: number;
}

/** What the fixture's helpers share: the test clock, the platform and everyone placed so far. */
interface World {
  /** The test clock (epoch ms): only the test moves it. */
  now: number;
  customer: string;
  fleet: TestDriver[];
  t(): TestPlatform;
  db(): Db;
}

/** A platform on its own database started with `env` before the suite's tests, stopped after. */
function startWorld(env: Record<string, string>): World {
  let platform: TestPlatform | undefined;
  const world: World = {
    now: Date.now(),
    customer: '',
    fleet: [],
    t: () => {
      if (!platform) throw new Error('the dispatch fixture is used before its platform started');
      return platform;
    },
    db: () => world.t().platform.ctx.db,
  };
  beforeAll(async () => {
    platform = await startTestPlatform({ clock: { now: () => world.now }, env });
    world.customer = await platform.tokenFor('customer');
  });
  afterAll(async () => {
    await platform?.stop();
  });
  return world;
}

/** Drivers placed near a point, kept fresh in the index while the clock moves. */
function fleetHelpers(w: World) {
  async function refreshPositions(ds: readonly TestDriver[] = w.fleet) {
    await driversFor(w.t().platform.ctx).positions.upsert(
      ds.map((d) => ({ id: d.id, lat: d.lat, lng: d.lng, at: w.now })),
    );
  }

  /** Available drivers at these offsets (km north) from a point, fresh in the index. */
  async function driversNear<N extends number[]>(
    at: { lat: number; lng: number },
    kmNorth: [...N],
    vehicle: 'bike' | 'scooter' | 'car' = 'scooter',
  ): Promise<{ [K in keyof N]: TestDriver }> {
    const out: TestDriver[] = [];
    for (const km of kmNorth) {
      const id = uuidv7();
      await seedDriverProfile(w.t().platform.ctx, { id, name: `Driver ${km}`, vehicle });
      await sql`UPDATE drivers SET status = 'available' WHERE id = ${id}`.execute(w.db());
      const { token } = await w.t().platform.ctx.tokens.issue({
        userId: uuidv7(),
        role: 'driver',
        driverId: id,
      });
      const d = { id, token, lat: at.lat + km * KM, lng: at.lng };
      out.push(d);
      w.fleet.push(d);
    }
    await refreshPositions(out);
    return out as { [K in keyof N]: TestDriver };
  }

  /** Moves the clock; drivers keep reporting, so they stay fresh unless told otherwise. */
  async function advance(ms: number, keepFresh: readonly TestDriver[] = w.fleet) {
    w.now += ms;
    await refreshPositions(keepFresh);
  }

  /** The driver reports a position at `at` (a stop: steps are taken within the geofence). */
  async function moveTo(d: TestDriver, at: { lat: number; lng: number }) {
    d.lat = at.lat;
    d.lng = at.lng;
    await refreshPositions([d]);
  }

  return { refreshPositions, driversNear, advance, moveTo };
}

/** Stores far apart and orders accepted by them. */
function orderHelpers(w: World) {
  let shopN = 0;
  let keyN = 0;

  /** Each test gets its own store far from the others, so drivers and trips never mix. */
  function shopFar(): Promise<Shop> {
    shopN++;
    return openShop(w.t(), { stock: [50, 50, 50], lat: 40 + shopN * 0.5, lng: 10 });
  }

  /** An order placed by the demo customer and accepted by the store, once its delivery is planned. */
  async function acceptedOrder(
    shop: Shop,
    dropKm = 1,
    quantity = 1,
  ): Promise<{
    orderId: string;
    deliveryId: string;
    tripId: string;
    dropoff: { lat: number; lng: number };
  }> {
    const dropoff = { lat: shop.at.lat + dropKm * KM, lng: shop.at.lng };
    const placed = await w.t().request({
      method: 'POST',
      url: '/v1/orders',
      token: w.customer,
      headers: { 'idempotency-key': `dispatch-${keyN++}-${Date.now()}` },
      payload: {
        store_id: shop.storeId,
        lines: [{ product_id: shop.products[0]?.id, quantity }],
        delivery: { ...dropoff, address: 'Door 1' },
        payment: { card_token: 'tok_visa' },
      },
    });
    expect(placed.statusCode).toBe(201);
    const orderId = placed.json().id as string;
    expect(
      (
        await w.t().request({
          method: 'POST',
          url: `/v1/orders/${orderId}/accept`,
          token: shop.storeToken,
        })
      ).statusCode,
    ).toBe(200);
    const delivery = await waitFor(
      async () => {
        const r = await w.t().request({
          method: 'GET',
          url: `/v1/orders/${orderId}/delivery`,
          token: w.customer,
        });
        return r.statusCode === 200 ? r.json() : null;
      },
      10_000,
      'delivery planned',
    );
    return { orderId, deliveryId: delivery.id, tripId: delivery.trip_id, dropoff };
  }

  /**
   * Three orders accepted by `shop`: two to neighbouring doors (1.0 and 1.3 km north), which
   * share one trip, and one going the other way (2.5 km south) on a trip of its own; both are
   * checked. The pair is batched only while few drivers are free near the store.
   */
  async function batchedPairAndLone(shop: Shop) {
    const a = await acceptedOrder(shop, 1.0);
    const b = await acceptedOrder(shop, 1.3);
    const c = await acceptedOrder(shop, -2.5);
    expect(b.tripId).toBe(a.tripId);
    expect(c.tripId).not.toBe(a.tripId);
    return [a, b, c] as const;
  }

  return { shopFar, acceptedOrder, batchedPairAndLone };
}

/** Trips and offers as the tables hold them, and the dispatcher's passes and accepts. */
function tripHelpers(w: World, advance: (ms: number) => Promise<void>) {
  const trip = async (id: string) =>
    (await sql<TripView>`SELECT * FROM trips WHERE id = ${id}`.execute(w.db())).rows[0];
  const offersOf = async (tripId: string) =>
    (
      await sql<OfferView>`SELECT id, driver_id, status, radius_m FROM offers WHERE trip_id = ${tripId} ORDER BY created_at`.execute(
        w.db(),
      )
    ).rows;
  const openOffer = (tripId: string) =>
    waitFor(
      async () => (await offersOf(tripId)).find((o) => o.status === 'open') ?? null,
      10_000,
      'an open offer',
    );
  /** One pass of the dispatcher, as the worker's loop would run it. */
  const tick = () => dispatchFor(w.t().platform.ctx).dispatcher.tick();
  /** Brings a just-accepted order's trip due now and lets the dispatcher work it. */
  async function dueNow(tripId: string) {
    const tr = await trip(tripId);
    if (tr && tr.dispatch_at.getTime() > w.now)
      await advance(tr.dispatch_at.getTime() - w.now + 1000);
    await tick();
  }
  const accept = (d: TestDriver, offerId: string) =>
    w.t().request({ method: 'POST', url: `/v1/dispatch/offers/${offerId}/accept`, token: d.token });

  return { trip, offersOf, openOffer, tick, dueNow, accept };
}

/**
 * A dispatch test's world: a platform on its own database started with `env`, driven by a clock
 * only the test moves (offers expire and trips fall due when it does, never by waiting), with
 * helpers to place drivers, open stores and accept orders. The worker's dispatcher loop is held
 * back (an hour between passes) so that only the test's `tick` runs the dispatcher. Started before the enclosing suite's
 * tests and stopped after them.
 */
export function dispatchFixture(env: Record<string, string>) {
  // The test runs every dispatcher pass itself (`tick`); the worker's own loop would race it.
  const world = startWorld({ LASTMILE_DISPATCH_TICK_MS: '3600000', ...env });
  const fleet = fleetHelpers(world);
  return {
    t: world.t,
    db: world.db,
    /** The test clock's current time (epoch ms). */
    now: () => world.now,
    /** Every driver placed so far. */
    fleet: world.fleet as readonly TestDriver[],
    customerToken: () => world.customer,
    ...fleet,
    ...orderHelpers(world),
    ...tripHelpers(world, (ms) => fleet.advance(ms)),
  };
}
