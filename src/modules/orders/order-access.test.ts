import { uuidv7 } from 'uuidv7';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchFixture } from '../../../test/support/dispatch-fixture.ts';

// Who may read an order and its sub-resources: anyone else gets the same 404 as for an order that
// does not exist, so ids cannot be probed.
describe('order access', () => {
  const { t, driversNear, shopFar, acceptedOrder, openOffer, dueNow, accept } = dispatchFixture({
    LASTMILE_DISPATCH_RADII_M: '3000',
  });
  let otherCustomer: string;
  beforeAll(async () => {
    otherCustomer = await t().tokenFor('customer', 1);
  });

  it('answers 404 to every caller who may not see the order, as for an order that does not exist', async () => {
    const shop = await shopFar();
    const otherShop = await shopFar();
    const [carrier, stranger] = await driversNear(shop.at, [0.3, 2]);
    const { orderId, tripId } = await acceptedOrder(shop);
    await dueNow(tripId);
    const offer = await openOffer(tripId);
    expect(offer.driver_id).toBe(carrier.id);
    expect((await accept(carrier, offer.id)).statusCode).toBe(200);

    const read = (url: string, token: string) => t().request({ method: 'GET', url, token });
    const paths = ['', '/payment', '/delivery', '/eta', '/tracking'];
    const outsiders = [
      ['another customer', otherCustomer],
      ['another store', otherShop.storeToken],
      ['a driver not on the job', stranger.token],
    ] as const;
    for (const id of [orderId, uuidv7()])
      for (const path of paths)
        for (const [who, token] of outsiders) {
          const res = await read(`/v1/orders/${id}${path}`, token);
          expect(res.statusCode, `${who}: GET /v1/orders/{id}${path}`).toBe(404);
          expect(res.json().code).toBe('NOT_FOUND');
        }
    // The courier follows the delivery, never the order itself (its totals, customer, payment).
    expect((await read(`/v1/orders/${orderId}/delivery`, carrier.token)).statusCode).toBe(200);
    expect((await read(`/v1/orders/${orderId}/eta`, carrier.token)).statusCode).toBe(200);
    expect((await read(`/v1/orders/${orderId}`, carrier.token)).statusCode).toBe(404);
    expect((await read(`/v1/orders/${orderId}/payment`, carrier.token)).statusCode).toBe(404);
    // The owner and the store still read it.
    expect((await read(`/v1/orders/${orderId}`, shop.storeToken)).statusCode).toBe(200);
  });
});
