import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { dispatchFixture, KM } from '../../../test/support/dispatch-fixture.ts';
import { waitFor } from '../../../test/support/platform.ts';
import { dispatchFor } from './index.ts';
import { replanGainS } from './replanning.ts';

describe('replanGainS', () => {
  const now = 1_000_000;
  it('takes a trip back only when the bags would wait and a free driver is that much sooner', () => {
    // The assigned driver arrives 500 s from now, the bag is ready in 100 s: it would wait 400 s;
    // a free driver 60 s out is 440 s sooner.
    expect(
      replanGainS({ now, readyAt: now + 100_000, assignedS: 500, bestS: 60, gainS: 180 }),
    ).toBe(400);
    // The bag is not ready before the assigned driver gets there: nothing to win for the customer.
    expect(
      replanGainS({ now, readyAt: now + 600_000, assignedS: 500, bestS: 60, gainS: 180 }),
    ).toBeNull();
    // The free driver is barely sooner.
    expect(replanGainS({ now, readyAt: now, assignedS: 300, bestS: 200, gainS: 180 })).toBeNull();
  });
});

describe('dispatch: re-planning an accepted trip', () => {
  const {
    t,
    db,
    driversNear,
    shopFar,
    acceptedOrder,
    trip,
    openOffer,
    offersOf,
    tick,
    accept,
    advance,
    moveTo,
  } = dispatchFixture({
    LASTMILE_DISPATCH_RADII_M: '1800,6000',
    LASTMILE_DISPATCH_REPLAN_GAIN_S: '180',
  });
  const current = (token: string) =>
    t().request({ method: 'GET', url: '/v1/dispatch/trips/current', token });

  const stepsOf = async (tripId: string) =>
    (
      await sql<{ status: string; note: string | null }>`
        SELECT s.status, s.note FROM delivery_steps s JOIN deliveries d ON d.id = s.delivery_id
        WHERE d.trip_id = ${tripId} ORDER BY s.at`.execute(db())
    ).rows;

  /**
   * A trip accepted by the only driver about, 2.5 km out; its bag packed while they are still
   * minutes away; then a driver right by the store comes on shift, and half a minute passes.
   */
  async function farDriverAndANearOne() {
    const shop = await shopFar();
    const [far] = await driversNear(shop.at, [2.5]);
    const { tripId, orderId } = await acceptedOrder(shop);
    await tick();
    await tick();
    const first = await openOffer(tripId);
    expect(first.driver_id).toBe(far.id);
    expect((await accept(far, first.id)).statusCode).toBe(200);
    const ready = await t().request({
      method: 'POST',
      url: `/v1/orders/${orderId}/ready`,
      token: shop.storeToken,
      payload: {},
    });
    expect(ready.statusCode).toBe(200);
    // Dispatch has heard the bag is packed (its consumer runs apart from the request).
    await waitFor(
      async () => (await current(far.token)).json().deliveries?.[0]?.order_ready === true,
      10_000,
      'the bag ready in the trip',
    );
    const [near] = await driversNear(shop.at, [0.2]);
    await advance(30_000);
    return { shop, far, near, tripId };
  }

  it('gives the trip to a driver who frees up near the store, once, and tells the first', async () => {
    const { shop, far, near, tripId } = await farDriverAndANearOne();
    await tick();
    const second = await openOffer(tripId);
    expect(second.driver_id).toBe(near.id);
    expect((await trip(tripId))?.status).toBe('offered');
    expect((await current(far.token)).statusCode).toBe(204);
    const steps = await stepsOf(tripId);
    expect(steps.map((s) => s.status)).toEqual(['assigned', 'unassigned']);
    expect(steps[1]?.note).toMatch(/replanned/);
    // Once in a trip's life: the new driver keeps it even when they wander 3 km off and someone
    // turns up by the store.
    expect((await accept(near, second.id)).statusCode).toBe(200);
    await moveTo(near, { lat: shop.at.lat + 3 * KM, lng: shop.at.lng });
    await driversNear(shop.at, [0.05]);
    await advance(30_000);
    await tick();
    expect((await trip(tripId))?.driver_id).toBe(near.id);
  });

  it('re-plans a trip once when two passes (two workers) look at it at the same moment', async () => {
    const { near, tripId } = await farDriverAndANearOne();
    const { dispatcher } = dispatchFor(t().platform.ctx);
    const replanned = await Promise.all([dispatcher.replan(), dispatcher.replan()]);
    expect(replanned.reduce((a, b) => a + b, 0)).toBe(1);
    expect((await openOffer(tripId)).driver_id).toBe(near.id);
    expect((await offersOf(tripId)).filter((o) => o.status === 'open')).toHaveLength(1);
    expect((await stepsOf(tripId)).map((s) => s.status)).toEqual(['assigned', 'unassigned']);
  });
});
