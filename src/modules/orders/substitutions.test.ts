import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { moveOrder, openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import { inventoryFor } from '../inventory/index.ts';
import { priceOrder } from './pricing.ts';

// Proposals are answered within 5 s here, so one left unanswered expires within a test.
let t: TestPlatform;
let customer: string;
let ops: string;
beforeAll(async () => {
  t = await startTestPlatform({ env: { LASTMILE_SUBSTITUTION_ANSWER_S: '5' } });
  customer = await t.tokenFor('customer');
  ops = await t.tokenFor('ops');
});
afterAll(async () => {
  await t?.stop();
});

// Products: 0 ordered ×2 (500), 1 its substitute (450), 2 sold out, 3 too dear, 4 ordered ×1.
const PRICES = [500, 450, 300, 5000, 400];
const shop = () =>
  openShop(t, { stock: [10, 10, 0, 10, 10], prices: PRICES, lat: 47 + Math.random(), lng: 8 });
const pid = (s: Shop, i: number) => s.products[i]?.id as string;
const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
  t.request({ method, url, token, ...(payload ? { payload } : {}) });

async function pickingOrder(s: Shop) {
  const { id, total } = await paidOrderAt(t, s, {
    token: customer,
    lines: [
      [0, 2],
      [4, 1],
    ],
    address: 'Door 5',
  });
  await moveOrder(t, s, id, 'accept', 'preparing');
  return { id, total };
}
const propose = (s: Shop, orderId: string, substitute: number, quantity = 2) =>
  call('POST', `/v1/orders/${orderId}/substitutions`, s.storeToken, {
    product_id: pid(s, 0),
    substitute_product_id: pid(s, substitute),
    quantity,
  });
const answer = (orderId: string, subId: string, verb: 'accept' | 'decline', token = customer) =>
  call('POST', `/v1/orders/${orderId}/substitutions/${subId}/${verb}`, token);
const available = async (s: Shop, i: number) => {
  const st = await inventoryFor(t.platform.ctx).stockOf(s.storeId, pid(s, i));
  return (st?.on_hand ?? 0) - (st?.reserved ?? 0);
};

/** Ready (with what was picked of the ordered product), picked up and delivered; the capture. */
async function deliver(s: Shop, orderId: string, pickedOfFirst: number) {
  const ready = await call('POST', `/v1/orders/${orderId}/ready`, s.storeToken, {
    picked: [{ product_id: pid(s, 0), quantity: pickedOfFirst }],
  });
  expect(ready.statusCode).toBe(200);
  for (const step of ['picked-up', 'delivered'])
    expect(
      (await call('POST', `/v1/orders/${orderId}/${step}`, ops, { reason: 'courier app down' }))
        .statusCode,
    ).toBe(200);
  const o = await waitFor(
    async () => {
      const r = (await call('GET', `/v1/orders/${orderId}`, customer)).json();
      return r.totals.captured_minor !== null ? r : null;
    },
    20_000,
    'the capture',
  );
  return o.totals.captured_minor as number;
}

describe('substitutions', () => {
  it('charges an accepted substitute on delivery instead of the units it replaces', async () => {
    const s = await shop();
    const order = await pickingOrder(s);
    const proposed = await propose(s, order.id, 1);
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json()).toMatchObject({
      status: 'proposed',
      missing: 2,
      unit_price_minor: 450,
    });
    expect(await available(s, 1)).toBe(8);
    const accepted = await answer(order.id, proposed.json().id, 'accept');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().status).toBe('accepted');
    const lines = (await call('GET', `/v1/orders/${order.id}`, customer)).json().lines;
    expect(lines).toContainEqual(
      expect.objectContaining({ product_id: pid(s, 1), quantity: 2, substitute_for: pid(s, 0) }),
    );
    const captured = await deliver(s, order.id, 0);
    const expected = priceOrder([
      { unitPriceMinor: 450, quantity: 2 },
      { unitPriceMinor: 400, quantity: 1 },
    ]).total_minor;
    expect(captured).toBe(expected);
    expect(captured).toBeLessThanOrEqual(order.total);
    const st = await inventoryFor(t.platform.ctx).stockOf(s.storeId, pid(s, 1));
    expect(st).toMatchObject({ on_hand: 8, reserved: 0 });
  });

  it("shows proposals and answers in the customer's tracking stream, numbered", async () => {
    const s = await shop();
    const order = await pickingOrder(s);
    const ws = await t.app.injectWS(`/v1/orders/${order.id}/track`, {
      headers: { authorization: `Bearer ${customer}` },
    });
    const seen: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => seen.push(JSON.parse(String(d))));
    try {
      const proposed = (await propose(s, order.id, 1)).json();
      await answer(order.id, proposed.id, 'accept');
      const subs = () => seen.filter((m) => m.type === 'substitution');
      await waitFor(() => subs().length === 2, 10_000, 'two substitution messages');
      expect(subs()).toMatchObject([
        { substitution_id: proposed.id, status: 'proposed', unit_price_minor: 450, quantity: 2 },
        { substitution_id: proposed.id, status: 'accepted' },
      ]);
      const seqs = seen.filter((m) => typeof m.seq === 'number' && m.type !== 'snapshot');
      const numbers = seqs.map((m) => m.seq as number);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(new Set(numbers).size).toBe(numbers.length);
    } finally {
      ws.terminate();
    }
  });

  it('does not charge a declined substitute and gives its stock back', async () => {
    const s = await shop();
    const order = await pickingOrder(s);
    const proposed = await propose(s, order.id, 1);
    const declined = await answer(order.id, proposed.json().id, 'decline');
    expect(declined.json().status).toBe('declined');
    expect(await available(s, 1)).toBe(10);
    const captured = await deliver(s, order.id, 0);
    expect(captured).toBe(priceOrder([{ unitPriceMinor: 400, quantity: 1 }]).total_minor);
  });

  it('counts an unanswered proposal as declined once its time is up', async () => {
    const s = await shop();
    const order = await pickingOrder(s);
    const proposed = await propose(s, order.id, 1);
    const sub = await waitFor(
      async () => {
        const list = (await call('GET', `/v1/orders/${order.id}/substitutions`, customer)).json();
        return list[0]?.status === 'expired' ? list[0] : null;
      },
      15_000,
      'the expiry',
    );
    expect(sub.id).toBe(proposed.json().id);
    // The sweep gives the stock back just after its transaction commits the expiry.
    await waitFor(async () => (await available(s, 1)) === 10, 5_000, 'the stock given back');
    const late = await answer(order.id, sub.id, 'accept');
    expect(late.statusCode).toBe(409);
    // The line is free for another proposal.
    expect((await propose(s, order.id, 1)).statusCode).toBe(201);
  }, 30_000);

  it('refuses a sold-out substitute and one that would cost more than was authorized', async () => {
    const s = await shop();
    const order = await pickingOrder(s);
    const soldOut = await propose(s, order.id, 2);
    expect(soldOut.statusCode).toBe(409);
    expect(soldOut.json().code).toBe('OUT_OF_STOCK');
    const dear = await propose(s, order.id, 3, 1);
    expect(dear.statusCode).toBe(422);
    expect(dear.json()).toMatchObject({
      code: 'OVER_AUTHORIZED',
      authorized_minor: order.total,
    });
    // Nothing stays held for a refused proposal.
    expect(await available(s, 3)).toBe(10);
    expect((await call('GET', `/v1/orders/${order.id}/substitutions`, customer)).json()).toEqual(
      [],
    );
  });

  it("hides an order's substitutions from other customers and stores", async () => {
    const s = await shop();
    const other = await shop();
    const order = await pickingOrder(s);
    const proposed = (await propose(s, order.id, 1)).json();
    const stranger = await t.tokenFor('customer', 1);
    const url = `/v1/orders/${order.id}/substitutions`;
    expect((await call('GET', url, stranger)).statusCode).toBe(404);
    expect((await call('GET', url, other.storeToken)).statusCode).toBe(404);
    expect((await answer(order.id, proposed.id, 'accept', stranger)).statusCode).toBe(404);
    const foreign = await call('POST', url, other.storeToken, {
      product_id: pid(s, 0),
      substitute_product_id: pid(s, 1),
      quantity: 1,
    });
    expect(foreign.statusCode).toBe(404);
    expect((await answer(order.id, uuidv7(), 'accept')).statusCode).toBe(404);
  });

  it('settles concurrent answers from two tabs once', async () => {
    const s = await shop();
    const order = await pickingOrder(s);
    const proposed = (await propose(s, order.id, 1)).json();
    const answers = await Promise.all([
      answer(order.id, proposed.id, 'accept'),
      answer(order.id, proposed.id, 'accept'),
      answer(order.id, proposed.id, 'decline'),
    ]);
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([200, 409, 409]);
    const winner = answers.find((a) => a.statusCode === 200)?.json();
    const lines = (await call('GET', `/v1/orders/${order.id}`, customer)).json().lines;
    const added = lines.filter((l: { product_id: string }) => l.product_id === pid(s, 1));
    expect(added).toHaveLength(winner.status === 'accepted' ? 1 : 0);
    expect(await available(s, 1)).toBe(winner.status === 'accepted' ? 8 : 10);
  });
});
