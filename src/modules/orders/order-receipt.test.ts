import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { moveOrder, openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';

let t: TestPlatform;
let shop: Shop;
let otherShop: Shop;
let customer: string;
let ops: string;

beforeAll(async () => {
  t = await startTestPlatform();
  [shop, otherShop] = await Promise.all([
    openShop(t, { stock: [10, 10], prices: [500, 300] }),
    openShop(t, { stock: [10] }),
  ]);
  customer = await t.tokenFor('customer');
  ops = await t.tokenFor('ops');
});
afterAll(async () => t?.stop());

const placeOrder = () =>
  paidOrderAt(t, shop, {
    token: customer,
    lines: [
      [0, 2],
      [1, 1],
    ],
    address: 'Torstr. 1',
  });

const receipt = (id: string, token = customer) =>
  t.request({ method: 'GET', url: `/v1/orders/${id}/receipt`, token });

/** Ops' moves of an order override the courier's app: they give a reason. */
const OVERRIDE = { reason: 'the courier app is down' };

const act = (id: string, action: string, token: string, payload?: object) =>
  t.request({
    method: 'POST',
    url: `/v1/orders/${id}/${action}`,
    token,
    ...(payload ? { payload } : {}),
  });

describe('order receipts', () => {
  it('is provisional after checkout, with the authorized amounts and the masked card', async () => {
    const placed = await placeOrder();
    const res = await receipt(placed.id);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      order_id: placed.id,
      final: false,
      currency: 'EUR',
      store: { id: shop.storeId },
      delivered: null,
      ordered: { subtotal_minor: 1300, total_minor: placed.total },
      payment: {
        method: { provider: 'fakepay', brand: 'visa', last4: '4242' },
        status: 'authorized',
        authorized_minor: placed.total,
        captured_minor: null,
        refunded_minor: 0,
        net_paid_minor: null,
      },
      refunds: [],
      delivered_at: null,
      captured_at: null,
    });
    expect(r.store.name).toMatch(/^Shop /);
    expect(r.lines).toEqual([
      expect.objectContaining({
        ordered_quantity: 2,
        delivered_quantity: null,
        line_total_minor: 1000,
      }),
      expect.objectContaining({
        ordered_quantity: 1,
        delivered_quantity: null,
        line_total_minor: 300,
      }),
    ]);
    // The order's store and ops see it too.
    expect((await receipt(placed.id, shop.storeToken)).json()).toEqual(r);
    expect((await receipt(placed.id, ops)).statusCode).toBe(200);
  });

  it('is final after delivery, charging only the packed goods, and shows refunds', async () => {
    const placed = await placeOrder();
    const a = shop.products[0]?.id as string;
    await moveOrder(t, shop, placed.id, 'accept', 'preparing');
    // One of the two units of A was missing, B was not found at all.
    const ready = await act(placed.id, 'ready', shop.storeToken, {
      picked: [
        { product_id: a, quantity: 1 },
        { product_id: shop.products[1]?.id, quantity: 0 },
      ],
    });
    expect(ready.statusCode).toBe(200);
    const packed = (await receipt(placed.id)).json();
    expect(packed.final).toBe(false);
    expect(packed.delivered.subtotal_minor).toBe(500);
    expect((await act(placed.id, 'picked-up', ops, OVERRIDE)).statusCode).toBe(200);
    expect((await act(placed.id, 'delivered', ops, OVERRIDE)).statusCode).toBe(200);
    const r = await waitFor(
      async () => {
        const body = (await receipt(placed.id)).json();
        return body.final ? body : null;
      },
      20_000,
      'final receipt',
    );
    expect(r.status).toBe('delivered');
    expect(r.lines.map((l: { delivered_quantity: number }) => l.delivered_quantity)).toEqual([
      1, 0,
    ]);
    expect(r.lines.map((l: { line_total_minor: number }) => l.line_total_minor)).toEqual([500, 0]);
    expect(r.delivered.total_minor).toBeLessThan(r.ordered.total_minor);
    expect(r.payment).toMatchObject({
      method: { brand: 'visa', last4: '4242' },
      status: 'captured',
      authorized_minor: placed.total,
      captured_minor: r.delivered.total_minor,
      net_paid_minor: r.delivered.total_minor,
    });
    expect(r.delivered_at).not.toBeNull();
    expect(r.captured_at).not.toBeNull();

    const refund = await t.request({
      method: 'POST',
      url: `/v1/orders/${placed.id}/refunds`,
      token: shop.storeToken,
      headers: { 'idempotency-key': uuidv7() },
      payload: { amount_minor: 200, reason: 'Milk leaked' },
    });
    expect(refund.statusCode).toBe(201);
    const after = (await receipt(placed.id)).json();
    expect(after.refunds).toEqual([refund.json()]);
    expect(after.payment).toMatchObject({
      status: 'partially_refunded',
      captured_minor: r.delivered.total_minor,
      refunded_minor: 200,
      net_paid_minor: r.delivered.total_minor - 200,
    });
  });

  it('answers outsiders 404 as for an order that does not exist, and drivers 403', async () => {
    const placed = await placeOrder();
    const stranger = await t.tokenFor('customer', 1);
    for (const token of [stranger, otherShop.storeToken]) {
      const res = await receipt(placed.id, token);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
      expect(res.body).not.toContain(shop.storeId);
    }
    expect((await receipt(uuidv7(), ops)).statusCode).toBe(404);
    expect((await receipt(placed.id, await t.tokenFor('driver'))).statusCode).toBe(403);
  });
});
