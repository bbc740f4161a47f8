import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFixture, type TestDriver } from '../../../test/support/dispatch-fixture.ts';
import { waitFor } from '../../../test/support/platform.ts';
import { dispatchFor, newTrip } from './index.ts';
import { rankCandidates } from './scoring.ts';

describe('dispatch', () => {
  const {
    t,
    db,
    now,
    fleet,
    driversNear,
    advance,
    shopFar,
    acceptedOrder,
    trip,
    offersOf,
    openOffer,
    tick,
    dueNow,
    accept,
  } = dispatchFixture({
    LASTMILE_OFFER_TTL_S: '30',
    LASTMILE_DISPATCH_RADII_M: '3000,6000',
    LASTMILE_DISPATCH_OFFERS_PER_ROUND: '2',
  });
  let customer: string;
  let ops: string;
  beforeAll(async () => {
    customer = await t().tokenFor('customer');
    ops = await t().tokenFor('ops');
  });

  it('times the first offer so the driver reaches the store as the order gets ready', async () => {
    const shop = await shopFar();
    const [d] = await driversNear(shop.at, [0.5]);
    const { tripId } = await acceptedOrder(shop);
    const tr = await trip(tripId);
    // Ready in 300 s (the store's preparation time); planned at a bike's pace with one offer left
    // to expire, a driver 500 m out needs about 3 minutes.
    const leadS = ((tr?.dispatch_at.getTime() ?? 0) - now()) / 1000;
    expect(leadS).toBeGreaterThan(60);
    expect(leadS).toBeLessThan(200);
    await tick();
    expect(await offersOf(tripId)).toEqual([]);
    await dueNow(tripId);
    const offer = await openOffer(tripId);
    expect(offer.driver_id).toBe(d.id);
    const mine = await t().request({ method: 'GET', url: '/v1/dispatch/offers', token: d.token });
    expect(mine.json().items[0]).toMatchObject({ id: offer.id, trip_id: tripId });
  });

  it('times the offer by the drivers who are free, counting on the second nearest', async () => {
    const shop = await shopFar();
    const [onJob, first, second] = await driversNear(shop.at, [0.1, 0.3, 1.2]);
    await sql`UPDATE drivers SET status = 'on_delivery' WHERE id = ${onJob.id}`.execute(db());
    const { tripId } = await acceptedOrder(shop);
    // Ready in 300 s; the driver on a job next door does not count, the nearest free one may
    // decline, and the next one 1.2 km out needs longer than that at a bike's pace: offer now.
    const leadS = (((await trip(tripId))?.dispatch_at.getTime() ?? 0) - now()) / 1000;
    expect(leadS).toBeLessThan(5);
    await tick();
    expect([first.id, second.id]).toContain((await openOffer(tripId)).driver_id);
  });

  it('offers one driver at a time, best first; timeout and decline move on; a late accept gets 409', async () => {
    const shop = await shopFar();
    const [near, mid, far] = await driversNear(shop.at, [0.5, 1.2, 2.0]);
    const { tripId } = await acceptedOrder(shop);
    await dueNow(tripId);
    const first = await openOffer(tripId);
    expect(first.driver_id).toBe(near.id);

    await advance(31_000);
    await tick();
    const second = await openOffer(tripId);
    expect(second.driver_id).toBe(mid.id);
    expect((await offersOf(tripId)).find((o) => o.id === first.id)?.status).toBe('expired');
    const late = await accept(near, first.id);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('CONFLICT');

    const declined = await t().request({
      method: 'POST',
      url: `/v1/dispatch/offers/${second.id}/decline`,
      token: mid.token,
      payload: { reason: 'flat tyre' },
    });
    expect(declined.statusCode).toBe(200);
    // Two offers per radius: the third driver is asked only once the radius widens (same drivers
    // within 6 km), and never the ones already asked in this cycle.
    const third = await openOffer(tripId);
    expect(third.driver_id).toBe(far.id);
    expect(third.radius_m).toBe(6000);
    expect((await accept(far, third.id)).statusCode).toBe(200);
    expect((await trip(tripId))?.driver_id).toBe(far.id);
    const stats = await sql<{
      id: string;
      offers_received: number;
      offers_accepted: number;
      status: string;
    }>`SELECT id, offers_received, offers_accepted, status FROM drivers WHERE id IN (${near.id}, ${mid.id}, ${far.id})`.execute(
      db(),
    );
    const byId = new Map(stats.rows.map((r) => [r.id, r]));
    expect(byId.get(near.id)).toMatchObject({
      offers_received: 1,
      offers_accepted: 0,
      status: 'available',
    });
    expect(byId.get(far.id)).toMatchObject({
      offers_received: 1,
      offers_accepted: 1,
      status: 'on_delivery',
    });
  });

  it('widens the radius when nobody is near, leaves stale drivers out and escalates when nobody fits', async () => {
    const shop = await shopFar();
    const [distant] = await driversNear(shop.at, [4.5]);
    const [stale] = await driversNear(shop.at, [0.3]);
    const { tripId } = await acceptedOrder(shop);
    const tr = await trip(tripId);
    // The stale driver goes silent: the clock moves past the cut-off without a report from them.
    await advance(
      Math.max(0, (tr?.dispatch_at.getTime() ?? now()) - now()) + 61_000,
      fleet.filter((d) => d !== stale),
    );
    await tick();
    const offer = await openOffer(tripId);
    expect(offer.driver_id).toBe(distant.id);
    expect(offer.radius_m).toBe(6000);

    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/dispatch/offers/${offer.id}/decline`,
          token: distant.token,
          payload: {},
        })
      ).statusCode,
    ).toBe(200);
    const parked = await waitFor(
      async () => {
        const x = await trip(tripId);
        return x?.escalated_at ? x : null;
      },
      10_000,
      'escalation',
    );
    expect(parked.priority).toBe(1);
    expect(parked.status).toBe('searching');
    const queue = await t().request({ method: 'GET', url: '/v1/dispatch/queue', token: ops });
    const row = queue.json().items.find((q: { trip_id: string }) => q.trip_id === tripId);
    expect(row).toMatchObject({ status: 'searching', priority: 1, offers_made: 1 });
    expect(row.escalated_at).not.toBeNull();
    expect(row.age_s).toBeGreaterThan(0);
    // The search starts over later and may ask the same drivers again; ops hears about it once.
    await advance(
      31_000,
      fleet.filter((d) => d !== stale),
    );
    await tick();
    const again = await openOffer(tripId);
    expect(again.driver_id).toBe(distant.id);
    expect(again.id).not.toBe(offer.id);
    const alerts = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM outbox WHERE type = 'dispatch.trip_escalated' AND aggregate_id = ${tripId}`.execute(
      db(),
    );
    expect(alerts.rows[0]?.n).toBe(1);
    const notified = await waitFor(
      async () => {
        const r = await t().request({ method: 'GET', url: '/v1/notifications', token: ops });
        return (
          r
            .json()
            .items.find(
              (n: { kind: string; subject_id: string }) =>
                n.kind === 'trip_escalated' && n.subject_id === tripId,
            ) ?? null
        );
      },
      10_000,
      'ops notified',
    );
    expect(notified.title).toMatch(/No driver/);
  });

  it('lets exactly one of 100 concurrent accepts win, and a driver never holds two jobs', async () => {
    const shop = await shopFar();
    const crowd: TestDriver[] = await driversNear(
      shop.at,
      Array.from({ length: 100 }, (_, i) => 0.2 + i * 0.01),
    );
    const { tripId } = await acceptedOrder(shop);
    await dueNow(tripId);
    const offer = await openOffer(tripId);
    const offered = crowd.find((d) => d.id === offer.driver_id);
    if (!offered) throw new Error('offer went to a driver outside the crowd');
    const attempts = [
      ...crowd.map((d) => accept(d, offer.id)),
      ...Array.from({ length: 5 }, () => accept(offered, offer.id)),
    ];
    const codes = (await Promise.all(attempts)).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(1);
    expect(codes.every((c) => c === 200 || c === 404 || c === 409)).toBe(true);
    const assigned = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM trips WHERE id = ${tripId} AND status = 'assigned' AND driver_id = ${offered.id}`.execute(
      db(),
    );
    expect(assigned.rows[0]?.n).toBe(1);

    // A second trip offered to the same driver (forced) cannot be accepted while on the first.
    const other = await acceptedOrder(shop, -2);
    await sql`UPDATE trips SET status = 'offered', next_attempt_at = NULL WHERE id = ${other.tripId}`.execute(
      db(),
    );
    const forced = uuidv7();
    await sql`INSERT INTO offers (id, trip_id, driver_id, status, score, pickup_m, radius_m, cycle, created_at, expires_at)
      VALUES (${forced}, ${other.tripId}, ${offered.id}, 'open', 0, 100, 3000, 1, ${new Date(now())}, ${new Date(now() + 30_000)})`.execute(
      db(),
    );
    const second = await accept(offered, forced);
    expect(second.statusCode).toBe(409);
    const held = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM trips WHERE driver_id = ${offered.id} AND status = 'assigned'`.execute(
      db(),
    );
    expect(held.rows[0]?.n).toBe(1);
  });

  it('batches two orders to neighbouring doors into one trip, and not one going the other way', async () => {
    const shop = await shopFar();
    const a = await acceptedOrder(shop, 1.0);
    const b = await acceptedOrder(shop, 1.3);
    const c = await acceptedOrder(shop, -2.5);
    expect(b.tripId).toBe(a.tripId);
    expect(c.tripId).not.toBe(a.tripId);
    const items = await sql<{
      items: number;
    }>`SELECT items FROM trips WHERE id = ${a.tripId}`.execute(db());
    expect(items.rows[0]?.items).toBe(2);
  });

  it('runs the delivery lifecycle by the assigned driver only, with handover proof, and the order follows', async () => {
    const shop = await shopFar();
    const [d, other] = await driversNear(shop.at, [0.4, 5.5]);
    const { orderId, deliveryId, tripId } = await acceptedOrder(shop);
    await dueNow(tripId);
    const offer = await openOffer(tripId);
    expect(offer.driver_id).toBe(d.id);
    expect((await accept(d, offer.id)).statusCode).toBe(200);

    const step = (who: TestDriver, path: string, body: object = {}) =>
      t().request({
        method: 'POST',
        url: `/v1/deliveries/${deliveryId}/${path}`,
        token: who.token,
        payload: { lat: shop.at.lat, lng: shop.at.lng, ...body },
      });
    // Another driver neither sees nor moves it.
    expect(
      (
        await t().request({
          method: 'GET',
          url: `/v1/deliveries/${deliveryId}`,
          token: other.token,
        })
      ).statusCode,
    ).toBe(404);
    expect((await step(other, 'arrived-at-store')).statusCode).toBe(404);
    // Steps in order only.
    expect((await step(d, 'delivered', { pin: '0000' })).statusCode).toBe(409);
    expect((await step(d, 'arrived-at-store')).statusCode).toBe(200);
    const notReady = await step(d, 'picked-up');
    expect(notReady.statusCode).toBe(409);
    expect(notReady.json().detail).toMatch(/ready/);
    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/orders/${orderId}/ready`,
          token: shop.storeToken,
          payload: {},
        })
      ).statusCode,
    ).toBe(200);
    await waitFor(
      async () => (await step(d, 'picked-up')).statusCode === 200,
      10_000,
      'pickup once the store is ready',
    );
    await waitFor(
      async () =>
        (await t().request({ method: 'GET', url: `/v1/orders/${orderId}`, token: customer })).json()
          .status === 'picked_up',
      10_000,
      'order picked up',
    );
    expect((await step(d, 'arrived-at-dropoff', { lat: 95 })).statusCode).toBe(400);
    expect((await step(d, 'arrived-at-dropoff')).statusCode).toBe(200);

    // The driver never sees the PIN; the customer does.
    const driverView = await t().request({
      method: 'GET',
      url: `/v1/deliveries/${deliveryId}`,
      token: d.token,
    });
    expect(driverView.json().pin).toBeUndefined();
    const pin = (
      await t().request({ method: 'GET', url: `/v1/orders/${orderId}/delivery`, token: customer })
    ).json().pin as string;
    expect(pin).toMatch(/^\d{4}$/);
    expect((await step(d, 'delivered')).statusCode).toBe(400);
    const wrong = await step(d, 'delivered', { pin: pin === '0000' ? '1111' : '0000' });
    expect(wrong.statusCode).toBe(422);
    expect((await step(d, 'delivered', { pin })).statusCode).toBe(200);

    const done = await waitFor(
      async () => {
        const o = (
          await t().request({ method: 'GET', url: `/v1/orders/${orderId}`, token: customer })
        ).json();
        return o.status === 'delivered' && o.totals.captured_minor !== null ? o : null;
      },
      30_000,
      'order delivered and captured',
    );
    expect(done.totals.captured_minor).toBe(done.totals.total_minor);
    const me = (await t().request({ method: 'GET', url: '/v1/drivers/me', token: d.token })).json();
    expect(me).toMatchObject({ status: 'available', deliveries_done: 1 });
    expect(me.last_job_at).not.toBeNull();
    const steps = (
      await t().request({ method: 'GET', url: `/v1/deliveries/${deliveryId}`, token: ops })
    )
      .json()
      .steps.map((s: { status: string }) => s.status);
    expect(steps).toEqual(['assigned', 'at_store', 'picked_up', 'at_dropoff', 'delivered']);

    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/orders/${orderId}/delivery/rating`,
          token: customer,
          payload: { stars: 5 },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/orders/${orderId}/delivery/rating`,
          token: customer,
          payload: { stars: 1 },
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (await t().request({ method: 'GET', url: '/v1/drivers/me', token: d.token })).json().rating,
    ).toBe(5);
  });

  it('asks for the age check on age-restricted items', async () => {
    const shop = await shopFar();
    const [d] = await driversNear(shop.at, [0.4]);
    const { orderId, deliveryId, tripId } = await acceptedOrder(shop);
    await sql`UPDATE deliveries SET age_restricted = true WHERE id = ${deliveryId}`.execute(db());
    await dueNow(tripId);
    expect((await accept(d, (await openOffer(tripId)).id)).statusCode).toBe(200);
    await t().request({
      method: 'POST',
      url: `/v1/orders/${orderId}/ready`,
      token: shop.storeToken,
      payload: {},
    });
    const step = (path: string, body: object = {}) =>
      t().request({
        method: 'POST',
        url: `/v1/deliveries/${deliveryId}/${path}`,
        token: d.token,
        payload: { lat: 1, lng: 1, ...body },
      });
    await step('arrived-at-store');
    await waitFor(async () => (await step('picked-up')).statusCode === 200, 10_000, 'pickup');
    await step('arrived-at-dropoff');
    const pin = (
      await t().request({ method: 'GET', url: `/v1/orders/${orderId}/delivery`, token: customer })
    ).json().pin;
    expect((await step('delivered', { pin })).statusCode).toBe(422);
    expect((await step('delivered', { pin, age_checked: true })).statusCode).toBe(200);
  });

  it('lets ops reassign a trip; the old driver is freed and not asked again, the order being canceled frees the new one', async () => {
    const shop = await shopFar();
    const [first, second] = await driversNear(shop.at, [0.4, 0.8]);
    const { orderId, tripId } = await acceptedOrder(shop);
    await dueNow(tripId);
    expect((await accept(first, (await openOffer(tripId)).id)).statusCode).toBe(200);
    const moved = await t().request({
      method: 'POST',
      url: `/v1/dispatch/trips/${tripId}/reassign`,
      token: ops,
      payload: { reason: 'driver reports a breakdown' },
    });
    expect(moved.statusCode).toBe(200);
    const next = await openOffer(tripId);
    expect(next.driver_id).toBe(second.id);
    expect(
      (await t().request({ method: 'GET', url: '/v1/drivers/me', token: first.token })).json()
        .status,
    ).toBe('available');
    expect((await accept(second, next.id)).statusCode).toBe(200);
    const unassign = await t().request({
      method: 'POST',
      url: `/v1/dispatch/drivers/${first.id}/unassign`,
      token: ops,
      payload: { reason: 'x' },
    });
    expect(unassign.statusCode).toBe(404);

    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/orders/${orderId}/cancel`,
          token: customer,
          payload: { reason: 'changed my mind' },
        })
      ).statusCode,
    ).toBe(200);
    await waitFor(async () => (await trip(tripId))?.status === 'canceled', 10_000, 'trip canceled');
    expect(
      (await t().request({ method: 'GET', url: '/v1/drivers/me', token: second.token })).json()
        .status,
    ).toBe('available');
    expect(
      (
        await t().request({ method: 'GET', url: `/v1/orders/${orderId}/delivery`, token: customer })
      ).json().status,
    ).toBe('canceled');
    // Customers and drivers cannot use the ops routes.
    expect(
      (await t().request({ method: 'GET', url: '/v1/dispatch/queue', token: customer })).statusCode,
    ).toBe(403);
    expect(
      (
        await t().request({
          method: 'POST',
          url: `/v1/dispatch/trips/${tripId}/reassign`,
          token: second.token,
          payload: { reason: 'x' },
        })
      ).statusCode,
    ).toBe(403);
  });
});

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
    const [far] = await driversNear(shop.at, [1.5], 'bike');
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
