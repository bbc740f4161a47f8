import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, expect } from 'vitest';
import { driversFor, seedDriverProfile } from '../../src/modules/drivers/index.ts';
import { dispatchFor } from '../../src/modules/dispatch/index.ts';
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

/**
 * A dispatch test's world: a platform on its own database started with `env`, driven by a clock
 * only the test moves (offers expire and trips fall due when it does, never by waiting), with
 * helpers to place drivers, open stores and accept orders. Started before the enclosing suite's
 * tests and stopped after them.
 */
export function dispatchFixture(env: Record<string, string>) {
  let now = Date.now();
  const clock = { now: () => now };
  let platform: TestPlatform | undefined;
  let customer = '';
  const fleet: TestDriver[] = [];
  let shopN = 0;
  let keyN = 0;

  const t = (): TestPlatform => {
    if (!platform) throw new Error('the dispatch fixture is used before its platform started');
    return platform;
  };
  const db = () => t().platform.ctx.db;

  beforeAll(async () => {
    platform = await startTestPlatform({ clock, env });
    customer = await platform.tokenFor('customer');
  });
  afterAll(async () => {
    await platform?.stop();
  });

  async function refreshPositions(ds: readonly TestDriver[] = fleet) {
    await driversFor(t().platform.ctx).positions.upsert(
      ds.map((d) => ({ id: d.id, lat: d.lat, lng: d.lng, at: now })),
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
      await seedDriverProfile(t().platform.ctx, { id, name: `Driver ${km}`, vehicle });
      await sql`UPDATE drivers SET status = 'available' WHERE id = ${id}`.execute(db());
      const { token } = await t().platform.ctx.tokens.issue({
        userId: uuidv7(),
        role: 'driver',
        driverId: id,
      });
      const d = { id, token, lat: at.lat + km * KM, lng: at.lng };
      out.push(d);
      fleet.push(d);
    }
    await refreshPositions(out);
    return out as { [K in keyof N]: TestDriver };
  }

  /** Moves the clock; drivers keep reporting, so they stay fresh unless told otherwise. */
  async function advance(ms: number, keepFresh: readonly TestDriver[] = fleet) {
    now += ms;
    await refreshPositions(keepFresh);
  }

  /** Each test gets its own store far from the others, so drivers and trips never mix. */
  function shopFar(): Promise<Shop> {
    shopN++;
    return openShop(t(), { stock: [50, 50, 50], lat: 40 + shopN * 0.5, lng: 10 });
  }

  /** An order placed by the demo customer and accepted by the store, once its delivery is planned. */
  async function acceptedOrder(
    shop: Shop,
    dropKm = 1,
    quantity = 1,
  ): Promise<{ orderId: string; deliveryId: string; tripId: string }> {
    const placed = await t().request({
      method: 'POST',
      url: '/v1/orders',
      token: customer,
      headers: { 'idempotency-key': `dispatch-${keyN++}-${Date.now()}` },
      payload: {
        store_id: shop.storeId,
        lines: [{ product_id: shop.products[0]?.id, quantity }],
        delivery: { lat: shop.at.lat + dropKm * KM, lng: shop.at.lng, address: 'Door 1' },
        payment: { card_token: 'tok_visa' },
      },
    });
    expect(placed.statusCode).toBe(201);
    const orderId = placed.json().id as string;
    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/orders/${orderId}/accept`,
          token: shop.storeToken,
        })
      ).statusCode,
    ).toBe(200);
    const delivery = await waitFor(
      async () => {
        const r = await t().request({
          method: 'GET',
          url: `/v1/orders/${orderId}/delivery`,
          token: customer,
        });
        return r.statusCode === 200 ? r.json() : null;
      },
      10_000,
      'delivery planned',
    );
    return { orderId, deliveryId: delivery.id, tripId: delivery.trip_id };
  }

  const trip = async (id: string) =>
    (await sql<TripView>`SELECT * FROM trips WHERE id = ${id}`.execute(db())).rows[0];
  const offersOf = async (tripId: string) =>
    (
      await sql<OfferView>`SELECT id, driver_id, status, radius_m FROM offers WHERE trip_id = ${tripId} ORDER BY created_at`.execute(
        db(),
      )
    ).rows;
  const openOffer = (tripId: string) =>
    waitFor(
      async () => (await offersOf(tripId)).find((o) => o.status === 'open') ?? null,
      10_000,
      'an open offer',
    );
  /** One pass of the dispatcher, as the worker's loop would run it. */
  const tick = () => dispatchFor(t().platform.ctx).dispatcher.tick();
  /** Brings a just-accepted order's trip due now and lets the dispatcher work it. */
  async function dueNow(tripId: string) {
    const tr = await trip(tripId);
    if (tr && tr.dispatch_at.getTime() > now) await advance(tr.dispatch_at.getTime() - now + 1000);
    await tick();
  }
  const accept = (d: TestDriver, offerId: string) =>
    t().request({ method: 'POST', url: `/v1/dispatch/offers/${offerId}/accept`, token: d.token });

  return {
    t,
    db,
    /** The test clock's current time (epoch ms). */
    now: () => now,
    /** Every driver placed so far. */
    fleet: fleet as readonly TestDriver[],
    customerToken: () => customer,
    driversNear,
    refreshPositions,
    advance,
    shopFar,
    acceptedOrder,
    trip,
    offersOf,
    openOffer,
    tick,
    dueNow,
    accept,
  };
}
