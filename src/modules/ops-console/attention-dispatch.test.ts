import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../../test/support/audit.ts';
import { dispatchFixture, type TestDriver } from '../../../test/support/dispatch-fixture.ts';
import { waitFor } from '../../../test/support/platform.ts';
import type { Shop } from '../../../test/support/shop.ts';

// The attention list's dispatch kinds on a real platform driven by the fixture's clock: a trip no
// driver is near enough to take, a driver who stops reporting, and ops closing the hand-over the
// silent driver could not record.

interface Item {
  kind: string;
  order_id: string;
  trip_id?: string;
  detail: Record<string, unknown>;
  actions: string[];
}

describe('the attention list: dispatch', () => {
  const w = dispatchFixture({
    LASTMILE_OFFER_TTL_S: '30',
    LASTMILE_DISPATCH_RADII_M: '3000',
    LASTMILE_OPS_OFFER_UNTAKEN_S: '60',
    LASTMILE_OPS_POSITION_SILENT_S: '120',
  });
  let ops: string;
  beforeAll(async () => {
    ops = await w.t().tokenFor('ops', 1);
  });

  const items = async (kind: string): Promise<Item[]> => {
    const res = await w.t().request({
      method: 'GET',
      url: `/v1/ops/attention?kind=${kind}&limit=100`,
      token: ops,
    });
    expect(res.statusCode).toBe(200);
    return res.json().items;
  };
  const itemOf = async (orderId: string, kind: string) =>
    (await items(kind)).find((i) => i.order_id === orderId);
  const post = (url: string, payload: object, key: string, token = ops) =>
    w.t().request({ method: 'POST', url, token, payload, headers: { 'idempotency-key': key } });

  /** An accepted order whose trip the driver took (the driver stays fresh until told otherwise). */
  async function assigned(shop: Shop, d: TestDriver) {
    const o = await w.acceptedOrder(shop);
    await w.dueNow(o.tripId);
    const offer = await w.openOffer(o.tripId);
    expect(offer.driver_id).toBe(d.id);
    expect((await w.accept(d, offer.id)).statusCode).toBe(200);
    return o;
  }

  it('lists a trip nobody takes, with its actions, until ops send it out and a driver takes it', async () => {
    const shop = await w.shopFar();
    const o = await w.acceptedOrder(shop);
    await w.dueNow(o.tripId);
    expect(await itemOf(o.orderId, 'offer_untaken')).toBeUndefined();
    await w.advance(90_000);
    await w.tick();
    const item = await itemOf(o.orderId, 'offer_untaken');
    expect(item).toMatchObject({ trip_id: o.tripId, detail: { trip_status: 'searching' } });
    expect(item?.actions).toEqual(['cancel_refund', 'extend_deadline', 'reassign']);
    // A driver comes near; ops send the trip out again at once (its action `reassign`).
    const [d] = await w.driversNear(shop.at, [0.5]);
    const again = await post(
      `/v1/dispatch/trips/${o.tripId}/reassign`,
      { reason: 'a driver is near now' },
      `re-${o.tripId}`,
    );
    expect(again.statusCode).toBe(200);
    await w.tick();
    const offer = await w.openOffer(o.tripId);
    expect((await w.accept(d, offer.id)).statusCode).toBe(200);
    expect(await itemOf(o.orderId, 'offer_untaken')).toBeUndefined();
  });

  it('lists a delivery whose driver went quiet until the driver reports again', async () => {
    const shop = await w.shopFar();
    const [d] = await w.driversNear(shop.at, [0.3]);
    const o = await assigned(shop, d);
    await w.advance(60_000, []);
    expect(await itemOf(o.orderId, 'position_silent')).toBeUndefined();
    await w.advance(120_000, []);
    const item = await itemOf(o.orderId, 'position_silent');
    expect(item).toMatchObject({
      trip_id: o.tripId,
      detail: { delivery_id: o.deliveryId, delivery_status: 'assigned', driver_id: d.id },
    });
    expect(item?.actions).toEqual(['cancel_refund', 'extend_deadline', 'reassign']);
    await w.moveTo(d, shop.at);
    expect(await itemOf(o.orderId, 'position_silent')).toBeUndefined();
  });

  it('marks a picked-up delivery delivered with proof once, audited; the order is captured', async () => {
    const shop = await w.shopFar();
    const [d] = await w.driversNear(shop.at, [0.3]);
    const o = await assigned(shop, d);
    const step = (path: string) =>
      w.t().request({
        method: 'POST',
        url: `/v1/deliveries/${o.deliveryId}/${path}`,
        token: d.token,
        payload: { lat: shop.at.lat, lng: shop.at.lng },
      });
    await w.moveTo(d, shop.at);
    const url = `/v1/deliveries/${o.deliveryId}/ops-delivered`;
    const body = {
      reason: 'the customer confirmed on the phone',
      proof: { confirmed_by: 'customer', method: 'phone_call' },
    };
    // Not picked up yet: not safe.
    expect((await post(url, body, `early-${o.deliveryId}`)).statusCode).toBe(409);
    expect((await step('arrived-at-store')).statusCode).toBe(200);
    const ready = await post(
      `/v1/orders/${o.orderId}/ready`,
      {},
      `r-${o.orderId}`,
      shop.storeToken,
    );
    expect(ready.statusCode).toBe(200);
    await waitFor(async () => (await step('picked-up')).statusCode === 200, 10_000, 'picked up');
    await w.advance(200_000, []);
    const item = await waitFor(
      async () => {
        const i = await itemOf(o.orderId, 'position_silent');
        return i?.actions.includes('mark_delivered') ? i : null;
      },
      10_000,
      'silent with the bag',
    );
    expect(item.actions).toEqual(['extend_deadline', 'mark_delivered']);
    for (const token of [w.customerToken(), d.token, shop.storeToken])
      expect((await post(url, body, `no-${o.deliveryId}`, token)).statusCode).toBe(403);
    const first = await post(url, body, `done-${o.deliveryId}`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: o.deliveryId, status: 'delivered' });
    const again = await post(url, body, `done-${o.deliveryId}`);
    expect(again.json()).toEqual(first.json());
    // Its answer lost, the console asks again with a new key: refused as delivered already,
    // and nothing is handed over twice.
    const repeat = await post(url, body, `twice-${o.deliveryId}`);
    expect(repeat.statusCode).toBe(409);
    expect(repeat.json()).toMatchObject({
      code: 'CONFLICT',
      detail: expect.stringContaining(`Delivery ${o.deliveryId} is delivered`),
    });
    const steps = (
      await w.t().request({ method: 'GET', url: `/v1/deliveries/${o.deliveryId}`, token: ops })
    ).json().steps as Array<{ status: string }>;
    expect(steps.filter((s) => s.status === 'delivered')).toHaveLength(1);
    await waitFor(
      async () => {
        const r = await w
          .t()
          .request({ method: 'GET', url: `/v1/orders/${o.orderId}/payment`, token: ops });
        return r.json().status === 'captured';
      },
      20_000,
      'order delivered and captured',
    );
    expect(await itemOf(o.orderId, 'position_silent')).toBeUndefined();
    const audit = await auditEntries(
      w.t(),
      ops,
      `action=delivery.mark_delivered&target_id=${o.deliveryId}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      reason: body.reason,
      before: { status: 'picked_up' },
      after: { status: 'delivered', proof: body.proof },
    });
    const timeline = await w.t().request({
      method: 'GET',
      url: `/v1/ops/orders/${o.orderId}/timeline`,
      token: ops,
    });
    expect(
      (timeline.json().items as Array<{ source: string; kind: string }>)
        .filter((i) => i.source === 'audit')
        .map((i) => i.kind),
    ).toEqual(['delivery.mark_delivered']);
    // The driver is free again.
    const current = await w
      .t()
      .request({ method: 'GET', url: '/v1/dispatch/trips/current', token: d.token });
    expect(current.statusCode === 204 || current.json() === null).toBe(true);
  }, 60_000);
});
