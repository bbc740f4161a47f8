import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { dispatchFixture } from '../../../test/support/dispatch-fixture.ts';
import { dispatchFor } from './index.ts';
import { rankCandidates } from './scoring.ts';
import { newTrip } from './trips.repository.ts';

describe('dispatch with the greedy strategy (the baseline)', () => {
  const {
    t,
    db,
    now,
    driversNear,
    shopFar,
    acceptedOrder,
    trip,
    offersOf,
    openOffer,
    tick,
    accept,
  } = dispatchFixture({
    LASTMILE_DISPATCH_STRATEGY: 'greedy',
    LASTMILE_OFFER_TTL_S: '30',
    LASTMILE_DISPATCH_RADII_M: '3000,6000',
    LASTMILE_DISPATCH_OFFERS_PER_ROUND: '2',
  });

  it('gives every order its own trip, even a second one of the same store to the next door', async () => {
    const shop = await shopFar();
    const a = await acceptedOrder(shop, 1.0);
    const b = await acceptedOrder(shop, 1.3);
    expect(b.tripId).not.toBe(a.tripId);
    expect((await trip(a.tripId))?.items).toBe(1);
    expect((await trip(b.tripId))?.items).toBe(1);
  });

  it('offers the trip as soon as the store accepts the order, without waiting for preparation', async () => {
    const shop = await shopFar();
    const [d] = await driversNear(shop.at, [1]);
    const { tripId } = await acceptedOrder(shop);
    // The store needs 300 s to prepare; the trip is due the moment the order is accepted.
    expect((await trip(tripId))?.dispatch_at.getTime()).toBe(now());
    await tick();
    const offer = await openOffer(tripId);
    expect(offer.driver_id).toBe(d.id);
    expect(offer.radius_m).toBe(3000);
  });

  it('offers the nearest driver first although a farther one scores better, then the next nearest on a decline', async () => {
    const shop = await shopFar();
    const [near] = await driversNear(shop.at, [0.5], 'car');
    const [far] = await driversNear(shop.at, [1.0], 'bike');
    // The near one declines most offers, came off a job just now and drives a car for one bag;
    // the far one takes nearly every offer and has waited an hour.
    await sql`UPDATE drivers SET offers_received = 40, offers_accepted = 4, last_job_at = ${new Date(now())} WHERE id = ${near.id}`.execute(
      db(),
    );
    await sql`UPDATE drivers SET offers_received = 40, offers_accepted = 40, last_job_at = ${new Date(now() - 3_600_000)} WHERE id = ${far.id}`.execute(
      db(),
    );
    const probe = newTrip({
      id: uuidv7(),
      storeId: shop.storeId,
      pickup: shop.at,
      items: 1,
      dispatchAt: new Date(now()),
      now: new Date(now()),
    });
    const candidates = await dispatchFor(t().platform.ctx).dispatcher.candidates(probe, 3000);
    expect(
      rankCandidates(candidates, { items: 1, carryM: 1000 }, t().config.dispatch.weights).map(
        (c) => c.driverId,
      ),
    ).toEqual([far.id, near.id]);

    const { tripId } = await acceptedOrder(shop);
    await tick();
    const first = await openOffer(tripId);
    expect(first.driver_id).toBe(near.id);
    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/dispatch/offers/${first.id}/decline`,
          token: near.token,
          payload: {},
        })
      ).statusCode,
    ).toBe(200);
    const second = await openOffer(tripId);
    expect(second.driver_id).toBe(far.id);
    expect((await accept(far, second.id)).statusCode).toBe(200);
    expect((await trip(tripId))?.driver_id).toBe(far.id);
    expect((await offersOf(tripId)).map((o) => o.status)).toEqual(['declined', 'accepted']);
  });
});
