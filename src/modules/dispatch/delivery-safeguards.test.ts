import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFixture, KM, type TestDriver } from '../../../test/support/dispatch-fixture.ts';
import { auditEntries } from '../../../test/support/audit.ts';
import { waitFor } from '../../../test/support/platform.ts';
import type { Shop } from '../../../test/support/shop.ts';

// The safeguards of a delivery's steps: the geofence around each stop, the PIN's attempt limit,
// and the proof policy of the handover. The plain lifecycle is in delivery-lifecycle.test.ts.
describe('delivery safeguards', () => {
  const fx = dispatchFixture({
    LASTMILE_DISPATCH_RADII_M: '3000',
    LASTMILE_GEOFENCE_M: '250',
    LASTMILE_PIN_MAX_ATTEMPTS: '5',
    // One item (250) is below, twenty (5000) above.
    LASTMILE_PIN_REQUIRED_ABOVE_MINOR: '3000',
  });
  const { t, driversNear, moveTo, shopFar, acceptedOrder, openOffer, dueNow, accept, advance } = fx;
  let ops: string;
  let customer: string;
  beforeAll(async () => {
    ops = await t().tokenFor('ops');
    customer = fx.customerToken();
  });

  /** A delivery taken by a driver 400 m from the store, the bag ready. */
  async function taken(quantity = 1) {
    const shop = await shopFar();
    const [d] = await driversNear(shop.at, [0.4]);
    const order = await acceptedOrder(shop, 1, quantity);
    await dueNow(order.tripId);
    const offer = await openOffer(order.tripId);
    const offers = await t().request({ method: 'GET', url: '/v1/dispatch/offers', token: d.token });
    expect((await accept(d, offer.id)).statusCode).toBe(200);
    await t().request({
      method: 'POST',
      url: `/v1/orders/${order.orderId}/ready`,
      token: shop.storeToken,
      payload: {},
    });
    const step = (path: string, body: object = {}, who: TestDriver = d) =>
      t().request({
        method: 'POST',
        url: `/v1/deliveries/${order.deliveryId}/${path}`,
        token: who.token,
        payload: { lat: who.lat, lng: who.lng, ...body },
      });
    const view = async (token: string) =>
      (
        await t().request({
          method: 'GET',
          url: `/v1/orders/${order.orderId}/delivery`,
          token,
        })
      ).json();
    return { shop, d, ...order, step, view, offer: offers.json().items[0] };
  }

  /** Through pickup to the door. */
  async function atDoor(x: Awaited<ReturnType<typeof taken>>, shop: Shop) {
    await moveTo(x.d, shop.at);
    expect((await x.step('arrived-at-store')).statusCode).toBe(200);
    await waitFor(async () => (await x.step('picked-up')).statusCode === 200, 10_000, 'pickup');
    await moveTo(x.d, x.dropoff);
    expect((await x.step('arrived-at-dropoff')).statusCode).toBe(200);
  }

  it('accepts a step only near its stop from a fresh position; ops can waive it for one step, audited', async () => {
    const x = await taken();
    // 9 km away from the store: refused, naming the distance.
    await moveTo(x.d, { lat: x.shop.at.lat + 9 * KM, lng: x.shop.at.lng });
    const far = await x.step('arrived-at-store');
    expect(far.statusCode).toBe(409);
    expect(far.json()).toMatchObject({ code: 'TOO_FAR_FROM_STOP' });
    expect(far.json().detail).toMatch(/You are 90\d\d m from the store; .* within 250 m/);
    // The body's coordinates are not believed: the driver's reported position is.
    expect((await x.step('arrived-at-store', x.shop.at)).statusCode).toBe(409);
    // At the store, but silent for longer than the staleness limit: where they are is not known.
    await moveTo(x.d, x.shop.at);
    await advance(120_000, []);
    const stale = await x.step('arrived-at-store');
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('LOCATION_UNKNOWN');
    await moveTo(x.d, x.shop.at);
    expect((await x.step('arrived-at-store')).statusCode).toBe(200);
    await waitFor(async () => (await x.step('picked-up')).statusCode === 200, 10_000, 'pickup');
    // Picked up, still at the store: arriving at the door (1 km away) is refused.
    expect((await x.step('arrived-at-dropoff')).json().code).toBe('TOO_FAR_FROM_STOP');

    // Only ops waives; the waiver lets one attempt through and is kept with who, when and why.
    const waive = (token: string, body: object) =>
      t().request({
        method: 'POST',
        url: `/v1/deliveries/${x.deliveryId}/geofence-waivers`,
        token,
        payload: body,
      });
    const why = { step: 'at_dropoff', reason: 'GPS drifts in this courtyard' };
    expect((await waive(x.d.token, why)).statusCode).toBe(403);
    expect((await waive(customer, why)).statusCode).toBe(403);
    const waived = await waive(ops, why);
    expect(waived.statusCode).toBe(200);
    expect(waived.json().overrides).toMatchObject([
      { kind: 'geofence_waived', step: 'at_dropoff', reason: why.reason, used_at: null },
    ]);
    expect((await waive(ops, { step: 'at_store', reason: 'too late' })).statusCode).toBe(409);
    expect((await x.step('arrived-at-dropoff')).statusCode).toBe(200);
    // The waiver was for that step only: the handover is still checked.
    const pin = (await x.view(customer)).pin;
    expect((await x.step('delivered', { pin })).json().code).toBe('TOO_FAR_FROM_STOP');
    await moveTo(x.d, x.dropoff);
    expect((await x.step('delivered', { pin })).statusCode).toBe(200);
    const audit = (await x.view(ops)).overrides;
    expect(audit).toHaveLength(1);
    expect(audit[0].used_at).not.toBeNull();
    expect(audit[0].by).toMatch(/^[0-9a-f-]{36}$/);
    // Nobody but ops sees the audit.
    expect((await x.view(customer)).overrides).toBeUndefined();
    expect((await x.view(x.d.token)).overrides).toBeUndefined();
    // The ops audit log has the waiver; the refused one is not there.
    const log = await auditEntries(t(), ops, `target_type=delivery&target_id=${x.deliveryId}`);
    expect(log).toMatchObject([
      {
        action: 'delivery.geofence_waive',
        reason: why.reason,
        after: { override: { kind: 'geofence_waived', step: 'at_dropoff' } },
      },
    ]);
  });

  it('locks the handover after too many wrong PINs: support gets a ticket, ops unlocks it', async () => {
    const x = await taken();
    await atDoor(x, x.shop);
    const pin = (await x.view(customer)).pin as string;
    const wrong = pin === '0000' ? '1111' : '0000';
    for (let i = 1; i <= 4; i++) {
      const r = await x.step('delivered', { pin: wrong });
      expect(r.statusCode).toBe(422);
      expect(r.json().detail).toContain(`${5 - i} attempt(s) left`);
    }
    const fifth = await x.step('delivered', { pin: wrong });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().code).toBe('PIN_LOCKED');
    // Locked: the right PIN is refused too, and a photo does not get around it.
    expect((await x.step('delivered', { pin })).json().code).toBe('PIN_LOCKED');
    expect((await x.step('delivered', { photo_ref: 'p/1.jpg' })).json().code).toBe('PIN_LOCKED');
    expect((await x.view(x.d.token)).pin_locked).toBe(true);

    // Support opened a ticket about the order for ops.
    const ticket = await waitFor(
      async () => {
        const list = await t().request({ method: 'GET', url: '/v1/support/tickets', token: ops });
        return (
          list.json().items.find((tk: { order_id: string }) => tk.order_id === x.orderId) ?? null
        );
      },
      10_000,
      'a ticket for the locked handover',
    );
    expect(ticket).toMatchObject({ status: 'open', opener_role: 'system' });
    expect(ticket.subject).toMatch(/PIN/);

    const unlock = (token: string) =>
      t().request({
        method: 'POST',
        url: `/v1/deliveries/${x.deliveryId}/pin-unlock`,
        token,
        payload: { reason: 'customer confirmed on the phone' },
      });
    expect((await unlock(x.d.token)).statusCode).toBe(403);
    const unlocked = await unlock(await t().tokenFor('ops', 1));
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({
      pin_locked: false,
      overrides: [{ kind: 'pin_unlocked', step: null, reason: 'customer confirmed on the phone' }],
    });
    expect((await unlock(ops)).statusCode).toBe(409);
    expect((await x.step('delivered', { pin })).statusCode).toBe(200);
    // The unlock (an ops agent's) and the refused second one: one row in the audit log.
    const audit = await auditEntries(t(), ops, `target_type=delivery&target_id=${x.deliveryId}`);
    expect(audit).toMatchObject([
      {
        action: 'delivery.pin_unlock',
        actor: { level: 'agent' },
        reason: 'customer confirmed on the phone',
        before: { pin_locked: true },
        after: { pin_locked: false },
      },
    ]);
  });

  it('decides the proof when planning: the PIN for large orders and age checks, shown and enforced', async () => {
    const big = await taken(20);
    expect(big.offer.dropoffs[0]).toMatchObject({ delivery_id: big.deliveryId, proof: 'pin' });
    expect((await big.view(big.d.token)).proof).toBe('pin');
    await atDoor(big, big.shop);
    const photo = await big.step('delivered', { photo_ref: 'door/1.jpg' });
    expect(photo.statusCode).toBe(422);
    expect(photo.json().code).toBe('PROOF_REQUIRED');
    const pin = (await big.view(customer)).pin;
    expect((await big.step('delivered', { pin })).statusCode).toBe(200);

    const small = await taken(1);
    expect(small.offer.dropoffs[0].proof).toBe('pin_or_photo');
    await atDoor(small, small.shop);
    const left = await small.step('delivered', { photo_ref: 'door/2.jpg' });
    expect(left.statusCode).toBe(200);
    expect(left.json()).toMatchObject({ proof: 'pin_or_photo', proof_photo_ref: 'door/2.jpg' });
  });
});
