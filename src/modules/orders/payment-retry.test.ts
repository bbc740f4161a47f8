import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentClient } from '../../../test/support/payment-retry.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop } from '../../../test/support/shop.ts';
import { canTransition, ORDER_RANK, ORDER_STATUSES, sourcesOf } from './order-state.ts';

describe('the payment statuses in the state machine', () => {
  it('lets a declined order be paid, retried, failed or canceled, and never lowers a rank', () => {
    expect(canTransition('placed', 'payment_failed')).toBe(true);
    for (const to of ['authorizing', 'authorized', 'failed', 'canceled'] as const)
      expect(canTransition('payment_failed', to)).toBe(true);
    for (const to of ['authorized', 'payment_failed', 'failed', 'canceled'] as const)
      expect(canTransition('authorizing', to)).toBe(true);
    // A retry starts only from a declined order: never twice at once, never on a paid order.
    expect(sourcesOf('authorizing')).toEqual(['payment_failed']);
    expect(canTransition('payment_failed', 'accepted')).toBe(false);
    for (const from of ORDER_STATUSES)
      for (const to of ORDER_STATUSES)
        if (canTransition(from, to))
          expect(ORDER_RANK[to]).toBeGreaterThanOrEqual(ORDER_RANK[from]);
  });
});

let t: TestPlatform;
let customer: string;
let other: string;

beforeAll(async () => {
  // The fake provider answers the slow card after 3 s: past the 2 s a request waits by default.
  t = await startTestPlatform();
  customer = await t.tokenFor('customer');
  other = await t.tokenFor('customer', 1);
});
afterAll(async () => {
  await t?.stop();
});

const api = () => paymentClient(t, () => customer);

/** A checkout declined by `tok_decline`: the 402 body, its order and the shop. */
async function declinedOrder(quantity = 2) {
  const shop = await openShop(t, { stock: [5] });
  const res = await api().checkout(shop, quantity, 'tok_decline');
  expect(res.statusCode).toBe(402);
  return { shop, res, id: res.json().order_id as string };
}

describe('a declined card at checkout', () => {
  it('answers 402 problem+json with the reason and the order, which keeps its stock', async () => {
    const { shop, res, id } = await declinedOrder(2);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body).toMatchObject({
      status: 402,
      code: 'PAYMENT_DECLINED',
      decline_reason: 'card_declined',
      order_status: 'payment_failed',
    });
    expect(Date.parse(body.retry_until)).toBeGreaterThan(Date.now() + 200_000);
    const order = await api().order(id);
    expect(order).toMatchObject({ status: 'payment_failed', reason: 'payment: card_declined' });
    expect(await api().reserved(shop)).toBe(2);
    // Held through the grace (300 s by default), whatever the placement expiry says.
    const hold = await api().hold(id);
    expect(hold?.status).toBe('held');
    expect(hold?.left_s).toBeGreaterThan(300);
  });

  it('replays the same 402 for the same Idempotency-Key, with no second order', async () => {
    const shop = await openShop(t, { stock: [5] });
    const key = api().key();
    const first = await api().checkout(shop, 1, 'tok_insufficient', { key });
    const again = await api().checkout(shop, 1, 'tok_insufficient', { key });
    expect(first.statusCode).toBe(402);
    expect(again.statusCode).toBe(402);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(first.json().decline_reason).toBe('insufficient_funds');
    expect(await api().reserved(shop)).toBe(1);
  });
});

describe('paying a declined order with another card', () => {
  it('authorizes once with the good card and answers 200 with the paid order', async () => {
    const { shop, id } = await declinedOrder(2);
    const res = await api().pay(id, 'tok_visa');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      status: 'authorized',
      payment: { status: 'authorized' },
    });
    expect(res.json().lines).toHaveLength(1);
    expect(await api().authorizations(id)).toBe(1);
    expect(await api().providerCharges(id)).toBe(1);
    expect(await api().reserved(shop)).toBe(2);
    expect((await api().hold(id))?.left_s).toBeGreaterThan(12 * 3600);
    const payment = await t.request({
      method: 'GET',
      url: `/v1/orders/${id}/payment`,
      token: customer,
    });
    expect(payment.json()).toMatchObject({ status: 'authorized', decline_reason: null });
    // Paid now: another card is refused, and charges nothing.
    const late = await api().pay(id, 'tok_visa');
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toContain('paid already');
    expect(await api().providerCharges(id)).toBe(1);
  });

  it('answers 402 again for another declined card, keeping the grace where it was', async () => {
    const { shop, res: first, id } = await declinedOrder(1);
    const res = await api().pay(id, 'tok_insufficient');
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({
      code: 'PAYMENT_DECLINED',
      decline_reason: 'insufficient_funds',
      order_id: id,
      order_status: 'payment_failed',
      retry_until: first.json().retry_until,
    });
    expect((await api().order(id)).status).toBe('payment_failed');
    expect(await api().reserved(shop)).toBe(1);
    expect(await api().authorizations(id)).toBe(0);
    // The same request again is the same attempt: replayed, not tried a third time.
    const key = api().key();
    const third = await api().pay(id, 'tok_visa', { key });
    const replay = await api().pay(id, 'tok_visa', { key });
    expect(third.statusCode).toBe(200);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await api().authorizations(id)).toBe(1);
  });

  it("hides another customer's order (404), needs a key (400), refuses bad tokens (400)", async () => {
    const { id } = await declinedOrder(1);
    const theirs = await api().pay(id, 'tok_visa', { token: other });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('NOT_FOUND');
    const store = await t.tokenFor('store');
    expect((await api().pay(id, 'tok_visa', { token: store })).statusCode).toBe(403);
    expect((await api().pay(id, 'tok_visa', { key: null })).statusCode).toBe(400);
    expect((await api().pay(id, '4242424242424242')).statusCode).toBe(400);
    expect((await api().order(id)).status).toBe('payment_failed');
  });

  it('lets one of several concurrent retries pay: one authorization, the others 409', async () => {
    const { id } = await declinedOrder(1);
    const answers = await Promise.all(Array.from({ length: 6 }, () => api().pay(id, 'tok_visa')));
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes.filter((c) => c === 409)).toHaveLength(5);
    expect([200, 202]).toContain(codes.find((c) => c !== 409));
    for (const a of answers.filter((x) => x.statusCode === 409))
      expect(a.json().detail).toMatch(/being authorized|paid already/);
    await waitFor(async () => (await api().order(id)).status === 'authorized', 20_000, 'paid');
    expect(await api().authorizations(id)).toBe(1);
    expect(await api().providerCharges(id)).toBe(1);
  });

  it('answers 202 for a slow card; a retry meanwhile gets 409; the late answer pays once', async () => {
    const { id } = await declinedOrder(1);
    const slow = await api().pay(id, 'tok_slow');
    expect(slow.statusCode).toBe(202);
    expect(slow.json()).toMatchObject({
      id,
      status: 'authorizing',
      payment: { status: 'pending' },
    });
    const racing = await api().pay(id, 'tok_visa');
    expect(racing.statusCode).toBe(409);
    expect(racing.json().detail).toContain('being authorized');
    await waitFor(async () => (await api().order(id)).status === 'authorized', 30_000, 'paid');
    expect(await api().authorizations(id)).toBe(1);
    expect(await api().providerCharges(id)).toBe(1);
  });

  it('lets the customer cancel a declined order: the stock goes back', async () => {
    const { shop, id } = await declinedOrder(2);
    const cancel = await t.request({
      method: 'POST',
      url: `/v1/orders/${id}/cancel`,
      token: customer,
      payload: { reason: 'no other card' },
    });
    expect(cancel.statusCode).toBe(200);
    await waitFor(async () => (await api().reserved(shop)) === 0, 10_000, 'stock released');
    const late = await api().pay(id, 'tok_visa');
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toContain('canceled');
    expect(await api().providerCharges(id)).toBe(0);
  });
});

describe('a slow provider at checkout', () => {
  it('answers 202 with the order placed, then the payment lands once', async () => {
    const shop = await openShop(t, { stock: [3] });
    const key = api().key();
    const res = await api().checkout(shop, 1, 'tok_slow', { key });
    expect(res.statusCode).toBe(202);
    const id = res.json().id as string;
    expect(res.json()).toMatchObject({ status: 'placed', payment: { status: 'pending' } });
    // Retried while it is authorizing: the stored 202, not a second order or charge.
    const again = await api().checkout(shop, 1, 'tok_slow', { key });
    expect(again.statusCode).toBe(202);
    expect(again.json().id).toBe(id);
    expect((await api().pay(id, 'tok_visa')).statusCode).toBe(409);
    await waitFor(async () => (await api().order(id)).status === 'authorized', 30_000, 'paid');
    expect(await api().authorizations(id)).toBe(1);
    expect(await api().providerCharges(id)).toBe(1);
    expect(await api().reserved(shop)).toBe(1);
  });
});
