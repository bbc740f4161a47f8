import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFixture, type TestDriver } from '../../../test/support/dispatch-fixture.ts';
import { waitFor } from '../../../test/support/platform.ts';

// Driver pay: shown on the offer, recorded once when the delivery ends, read by the driver and ops.
describe('driver earnings', () => {
  const {
    t,
    db,
    now,
    driversNear,
    moveTo,
    advance,
    shopFar,
    acceptedOrder,
    openOffer,
    dueNow,
    accept,
  } = dispatchFixture({ LASTMILE_DISPATCH_RADII_M: '3000,6000' });
  let ops: string;
  let customer: string;
  beforeAll(async () => {
    ops = await t().tokenFor('ops');
    customer = await t().tokenFor('customer');
  });
  const get = (url: string, token: string) => t().request({ method: 'GET', url, token });
  const today = () => new Date(now()).toISOString().slice(0, 10);

  /** A delivery taken to its end by `d`, who waits `waitS` at the store. */
  async function deliverOne(
    d: TestDriver,
    shop: Awaited<ReturnType<typeof shopFar>>,
    waitS: number,
  ) {
    const { orderId, deliveryId, tripId, dropoff } = await acceptedOrder(shop);
    const ws = await t().app.injectWS('/v1/drivers/me/channel', {
      headers: { authorization: `Bearer ${d.token}` },
    });
    const pushed: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => pushed.push(JSON.parse(String(data))));
    await dueNow(tripId);
    const offer = await openOffer(tripId);
    const shown = (await get('/v1/dispatch/offers', d.token)).json().items[0];
    expect(shown.id).toBe(offer.id);
    // The channel pushes the offer in its REST shape, pay included, beside the older fields.
    const push = await waitFor(() => pushed.find((m) => m.type === 'offer'), 5000, 'offer push');
    ws.terminate();
    expect(push).toMatchObject({ offer_id: offer.id, trip_id: tripId, offer: shown });
    expect(shown.pay).toMatchObject({ currency: 'EUR', base_minor: 250, per_km_minor: 60 });
    expect(shown.pay.deliveries).toEqual([expect.objectContaining({ delivery_id: deliveryId })]);
    expect((await accept(d, offer.id)).statusCode).toBe(200);
    const step = (path: string, at: { lat: number; lng: number }, body: object = {}) =>
      t().request({
        method: 'POST',
        url: `/v1/deliveries/${deliveryId}/${path}`,
        token: d.token,
        payload: { ...at, ...body },
      });
    await moveTo(d, shop.at);
    expect((await step('arrived-at-store', shop.at)).statusCode).toBe(200);
    await advance(waitS * 1000);
    await t().request({
      method: 'POST',
      url: `/v1/orders/${orderId}/ready`,
      token: shop.storeToken,
      payload: {},
    });
    await waitFor(
      async () => (await step('picked-up', shop.at)).statusCode === 200,
      10_000,
      'pickup',
    );
    await moveTo(d, dropoff);
    expect((await step('arrived-at-dropoff', dropoff)).statusCode).toBe(200);
    const pin = (await get(`/v1/orders/${orderId}/delivery`, customer)).json().pin as string;
    expect((await step('delivered', dropoff, { pin })).statusCode).toBe(200);
    // A repeated completion is refused and records nothing more.
    expect((await step('delivered', dropoff, { pin })).statusCode).toBe(409);
    return { orderId, deliveryId, pay: shown.pay.deliveries[0].pay_minor as number };
  }

  it('records what a delivery earned once, with its waiting, and shows it to its driver and ops only', async () => {
    const shop = await shopFar();
    const [d, other] = await driversNear(shop.at, [0.5, 9]);
    const first = await deliverOne(d, shop, 600);
    const rows = (
      await sql<{ total_minor: number; waiting_s: number; waiting_minor: number }>`
        SELECT total_minor, waiting_s, waiting_minor FROM driver_earnings WHERE delivery_id = ${first.deliveryId}`.execute(
        db(),
      )
    ).rows;
    expect(rows).toEqual([{ total_minor: first.pay + 75, waiting_s: 600, waiting_minor: 75 }]);

    const mine = await get(`/v1/drivers/me/earnings?from=${today()}&to=${today()}`, d.token);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({
      driver_id: d.id,
      days: [
        {
          day: today(),
          currency: 'EUR',
          deliveries: 1,
          total_minor: first.pay + 75,
          waiting_minor: 75,
        },
      ],
      items: [
        {
          delivery_id: first.deliveryId,
          order_id: first.orderId,
          outcome: 'delivered',
          waiting_s: 600,
        },
      ],
      next_cursor: null,
    });
    const day = (await get('/v1/drivers/me/deliveries', d.token)).json();
    expect(day.day).toBe(today());
    expect(day.items).toEqual([
      expect.objectContaining({
        delivery: expect.objectContaining({ id: first.deliveryId, status: 'delivered' }),
        earning: expect.objectContaining({ total_minor: first.pay + 75 }),
      }),
    ]);
    // Ops reads any driver's; nobody else reads another's, and other drivers see only their own.
    expect((await get(`/v1/drivers/${d.id}/earnings`, ops)).json().items).toHaveLength(1);
    expect((await get(`/v1/drivers/${uuidv7()}/earnings`, ops)).statusCode).toBe(404);
    expect((await get(`/v1/drivers/${d.id}/earnings`, other.token)).statusCode).toBe(403);
    expect((await get(`/v1/drivers/me/earnings`, other.token)).json().items).toEqual([]);
    expect((await get(`/v1/drivers/me/deliveries`, other.token)).json().items).toEqual([]);
    expect((await get(`/v1/drivers/me/earnings`, customer)).statusCode).toBe(403);
  });

  it('pages the deliveries with the cursor while the day totals cover the whole range', async () => {
    const shop = await shopFar();
    const [d] = await driversNear(shop.at, [0.5]);
    const a = await deliverOne(d, shop, 0);
    const b = await deliverOne(d, shop, 0);
    const url = `/v1/drivers/me/earnings?limit=1`;
    const p1 = (await get(url, d.token)).json();
    expect(p1.items.map((e: { delivery_id: string }) => e.delivery_id)).toEqual([a.deliveryId]);
    expect(p1.days[0]).toMatchObject({ deliveries: 2, total_minor: a.pay + b.pay });
    const p2 = (await get(`${url}&cursor=${p1.next_cursor}`, d.token)).json();
    expect(p2.items.map((e: { delivery_id: string }) => e.delivery_id)).toEqual([b.deliveryId]);
    expect(p2.next_cursor).toBeNull();
    const bad = await get(`${url}&cursor=nonsense`, d.token);
    expect(bad.statusCode).toBe(400);
    expect((await get('/v1/drivers/me/earnings?from=2026-02-30', d.token)).statusCode).toBe(400);
    expect(
      (await get('/v1/drivers/me/earnings?from=2026-03-02&to=2026-03-01', d.token)).statusCode,
    ).toBe(400);
    expect(
      (await get('/v1/drivers/me/earnings?from=2026-01-01&to=2026-12-31', d.token)).statusCode,
    ).toBe(400);
  });
});
