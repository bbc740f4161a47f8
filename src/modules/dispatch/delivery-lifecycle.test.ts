import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFixture, type TestDriver } from '../../../test/support/dispatch-fixture.ts';
import { auditEntries } from '../../../test/support/audit.ts';
import { waitFor } from '../../../test/support/platform.ts';

// A delivery once a driver has it: the driver's steps, the handover proof, the order following,
// and ops taking a trip from its driver. Planning and offers are in dispatch.test.ts.
describe('dispatch', () => {
  const { t, db, driversNear, moveTo, shopFar, acceptedOrder, trip, openOffer, dueNow, accept } =
    dispatchFixture({
      LASTMILE_OFFER_TTL_S: '30',
      LASTMILE_DISPATCH_RADII_M: '3000,6000',
      LASTMILE_DISPATCH_OFFERS_PER_ROUND: '2',
    });
  let customer: string;
  let ops: string;
  const current = (d: TestDriver) =>
    t().request({ method: 'GET', url: '/v1/dispatch/trips/current', token: d.token });
  beforeAll(async () => {
    customer = await t().tokenFor('customer');
    ops = await t().tokenFor('ops');
  });

  it('runs the delivery lifecycle by the assigned driver only, with handover proof, and the order follows', async () => {
    const shop = await shopFar();
    const [d, other] = await driversNear(shop.at, [0.4, 5.5]);
    const { orderId, deliveryId, tripId, dropoff } = await acceptedOrder(shop);
    await dueNow(tripId);
    const offer = await openOffer(tripId);
    expect(offer.driver_id).toBe(d.id);
    const accepted = await accept(d, offer.id);
    expect(accepted.statusCode).toBe(200);
    // Accepting answers the trip exactly as the driver's current job reads it.
    expect(accepted.json()).toMatchObject({
      id: tripId,
      status: 'assigned',
      driver_id: d.id,
      deliveries: [{ id: deliveryId, order_id: orderId, status: 'assigned', driver_id: d.id }],
    });
    expect(accepted.json().deliveries[0].steps.map((s: { status: string }) => s.status)).toEqual([
      'assigned',
    ]);
    expect((await current(d)).json()).toEqual(accepted.json());

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
    await moveTo(d, shop.at);
    expect((await step(d, 'delivered', { pin: '0000' })).statusCode).toBe(409);
    expect((await step(d, 'arrived-at-store')).statusCode).toBe(200);
    const notReady = await step(d, 'picked-up');
    expect(notReady.statusCode).toBe(409);
    expect(notReady.json().detail).toMatch(/ready/);
    // The driver's app hears the bag is packed on its channel, and may pick it up at once.
    const channel = await t().app.injectWS('/v1/drivers/me/channel', {
      headers: { authorization: `Bearer ${d.token}` },
    });
    const pushed: Array<Record<string, unknown>> = [];
    channel.on('message', (data) => pushed.push(JSON.parse(String(data))));
    channel.send(JSON.stringify({ type: 'ping', ref: 'listening' }));
    await waitFor(() => pushed.some((m) => m.type === 'pong'), 5000, 'channel open');
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
    const ready = await waitFor(
      () => pushed.find((m) => m.type === 'order_ready'),
      10_000,
      'order_ready pushed to the driver',
    );
    channel.terminate();
    expect(ready).toEqual({
      type: 'order_ready',
      trip_id: tripId,
      delivery_id: deliveryId,
      order_id: orderId,
    });
    expect((await step(d, 'picked-up')).statusCode).toBe(200);
    await waitFor(
      async () =>
        (await t().request({ method: 'GET', url: `/v1/orders/${orderId}`, token: customer })).json()
          .status === 'picked_up',
      10_000,
      'order picked up',
    );
    expect((await step(d, 'arrived-at-dropoff', { lat: 95 })).statusCode).toBe(400);
    await moveTo(d, dropoff);
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
    // The trip ended with its only delivery: no current job.
    const none = await current(d);
    expect(none.statusCode).toBe(204);
    expect(none.body).toBe('');
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
    const { orderId, deliveryId, tripId, dropoff } = await acceptedOrder(shop);
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
    await moveTo(d, shop.at);
    expect((await step('arrived-at-store')).statusCode).toBe(200);
    await waitFor(async () => (await step('picked-up')).statusCode === 200, 10_000, 'pickup');
    await moveTo(d, dropoff);
    expect((await step('arrived-at-dropoff')).statusCode).toBe(200);
    const pin = (
      await t().request({ method: 'GET', url: `/v1/orders/${orderId}/delivery`, token: customer })
    ).json().pin;
    expect((await step('delivered', { pin })).statusCode).toBe(422);
    expect((await step('delivered', { pin, age_checked: true })).statusCode).toBe(200);
  });

  it('lets ops release a driver from their job: the trip searches again without them', async () => {
    const shop = await shopFar();
    const [d] = await driversNear(shop.at, [0.4]);
    const { deliveryId, tripId } = await acceptedOrder(shop);
    await dueNow(tripId);
    expect((await accept(d, (await openOffer(tripId)).id)).statusCode).toBe(200);
    const released = await t().request({
      method: 'POST',
      url: `/v1/dispatch/drivers/${d.id}/unassign`,
      token: ops,
      payload: { reason: 'shift over' },
    });
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({
      id: tripId,
      status: 'searching',
      driver_id: null,
      deliveries: [{ id: deliveryId, status: 'pending', driver_id: null }],
    });
    const steps = released.json().deliveries[0].steps.map((s: { status: string }) => s.status);
    expect(steps).toEqual(['assigned', 'unassigned']);
    expect((await current(d)).statusCode).toBe(204);
    const again = await t().request({
      method: 'POST',
      url: `/v1/dispatch/drivers/${d.id}/unassign`,
      token: ops,
      payload: { reason: 'twice' },
    });
    expect(again.statusCode).toBe(404);
  });

  it('lets ops reassign a trip; the old driver is freed and not asked again, the order being canceled frees the new one', async () => {
    const shop = await shopFar();
    const [first, second] = await driversNear(shop.at, [0.4, 0.8]);
    const { orderId, tripId } = await acceptedOrder(shop);
    await dueNow(tripId);
    expect((await accept(first, (await openOffer(tripId)).id)).statusCode).toBe(200);
    // An ops agent may reassign; it is in the audit log with the trip before and after.
    const agent = await t().tokenFor('ops', 1);
    const moved = await t().request({
      method: 'POST',
      url: `/v1/dispatch/trips/${tripId}/reassign`,
      token: agent,
      payload: { reason: 'driver reports a breakdown' },
    });
    expect(moved.statusCode).toBe(200);
    expect(await auditEntries(t(), ops, `target_type=trip&target_id=${tripId}`)).toMatchObject([
      {
        action: 'trip.reassign',
        actor: { level: 'agent' },
        reason: 'driver reports a breakdown',
        before: { status: 'assigned', driver_id: first.id },
        after: { status: 'searching', driver_id: null },
      },
    ]);
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
