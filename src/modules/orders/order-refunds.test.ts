import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import { auditEntries } from '../../../test/support/audit.ts';
import { paymentsFor } from '../payments/index.ts';

let t: TestPlatform;
let shop: Shop;
let otherShop: Shop;
let customer: string;
let otherCustomer: string;
let ops: string;
beforeAll(async () => {
  t = await startTestPlatform({ env: { LASTMILE_OPS_REFUND_LIMIT_MINOR: '600' } });
  [shop, otherShop] = await Promise.all([
    openShop(t, { stock: [100], prices: [1000] }),
    openShop(t, { stock: [100], prices: [1000] }),
  ]);
  customer = await t.tokenFor('customer');
  otherCustomer = await t.tokenFor('customer', 1);
  ops = await t.tokenFor('ops');
});
afterAll(async () => t?.stop());

/** An order of the customer at `shop`, authorized, and captured for `captureMinor` if given. */
async function order(captureMinor?: number): Promise<{ id: string; total: number }> {
  const { id, total } = await paidOrderAt(t, shop, {
    token: customer,
    lines: [[0, 2]],
    north: 0.005,
  });
  if (captureMinor !== undefined)
    await paymentsFor(t.platform.ctx).capture({ orderId: id, amountMinor: captureMinor });
  return { id, total };
}

const refund = (orderId: string, token: string, body: object, key: string = uuidv7()) =>
  t.request({
    method: 'POST',
    url: `/v1/orders/${orderId}/refunds`,
    token,
    headers: { 'idempotency-key': key },
    payload: body,
  });

describe('order refunds', () => {
  it('refunds after the capture, by ops and the store, within what is refundable; a repeat is the same refund', async () => {
    const o = await order(1500);
    const first = await refund(
      o.id,
      shop.storeToken,
      { amount_minor: 500, reason: 'broken' },
      'k1',
    );
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ order_id: o.id, amount_minor: 500, status: 'succeeded' });
    const again = await refund(
      o.id,
      shop.storeToken,
      { amount_minor: 500, reason: 'broken' },
      'k1',
    );
    expect(again.json()).toEqual(first.json());
    const byOps = await refund(o.id, ops, { amount_minor: 1000, reason: 'late' });
    expect(byOps.statusCode).toBe(201);
    const over = await refund(o.id, ops, { amount_minor: 1, reason: 'more' });
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe('CONFLICT');
    const payment = (
      await t.request({ method: 'GET', url: `/v1/orders/${o.id}/payment`, token: customer })
    ).json();
    expect(payment).toMatchObject({
      status: 'refunded',
      captured_minor: 1500,
      refunded_minor: 1500,
    });
    expect(payment.movements.filter((l: { kind: string }) => l.kind === 'refund')).toHaveLength(2);
    const list = await t.request({
      method: 'GET',
      url: `/v1/orders/${o.id}/refunds`,
      token: customer,
    });
    expect(list.json().items.map((r: { amount_minor: number }) => r.amount_minor)).toEqual([
      500, 1000,
    ]);
    const events = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM outbox WHERE type = 'payments.refunded' AND payload->>'order_id' = ${o.id}`.execute(
      t.platform.ctx.db,
    );
    expect(events.rows[0]?.n).toBe(2);
  });

  it('lets an ops agent refund up to the limit, an admin and the store above it; ops refunds audited once', async () => {
    const agent = await t.tokenFor('ops', 1);
    const o = await order(2000);
    const above = await refund(o.id, agent, { amount_minor: 601, reason: 'too much' });
    expect(above.statusCode).toBe(403);
    expect(above.json()).toMatchObject({ code: 'OPS_ADMIN_REQUIRED' });
    const within = await refund(o.id, agent, { amount_minor: 500, reason: 'late' }, 'agent-1');
    expect(within.statusCode).toBe(201);
    const repeated = await refund(o.id, agent, { amount_minor: 500, reason: 'late' }, 'agent-1');
    expect(repeated.json()).toEqual(within.json());
    expect(
      (await refund(o.id, shop.storeToken, { amount_minor: 700, reason: 'store' })).statusCode,
    ).toBe(201);
    expect((await refund(o.id, ops, { amount_minor: 800, reason: 'broken' })).statusCode).toBe(201);
    const payment = (
      await t.request({ method: 'GET', url: `/v1/orders/${o.id}/payment`, token: ops })
    ).json();
    expect(payment).toMatchObject({ captured_minor: 2000, refunded_minor: 2000 });
    // The refused refund and the store's are not in the ops audit log; the repeat added no row.
    const audit = await auditEntries(t, agent, `action=order.refund&target_id=${o.id}`);
    expect(audit).toMatchObject([
      {
        actor: { level: 'admin' },
        reason: 'broken',
        before: { captured_minor: 2000, refunded_minor: 1200 },
        after: { refunded_minor: 2000, refund: { amount_minor: 800, status: 'succeeded' } },
      },
      {
        actor: { level: 'agent' },
        reason: 'late',
        idempotency_key: 'agent-1',
        before: { captured_minor: 2000, refunded_minor: 0 },
        after: { refunded_minor: 500, refund: { id: within.json().id, amount_minor: 500 } },
      },
    ]);
  });

  it('refuses before the capture, and answers outsiders 404 and customers 403', async () => {
    const o = await order();
    expect((await refund(o.id, ops, { amount_minor: 100, reason: 'x' })).statusCode).toBe(409);
    const captured = await order(1000);
    for (const token of [otherShop.storeToken])
      expect(
        (await refund(captured.id, token, { amount_minor: 100, reason: 'x' })).statusCode,
      ).toBe(404);
    expect((await refund(uuidv7(), ops, { amount_minor: 100, reason: 'x' })).statusCode).toBe(404);
    expect(
      (await refund(captured.id, customer, { amount_minor: 100, reason: 'x' })).statusCode,
    ).toBe(403);
    for (const token of [otherShop.storeToken, otherCustomer])
      expect(
        (await t.request({ method: 'GET', url: `/v1/orders/${captured.id}/refunds`, token }))
          .statusCode,
      ).toBe(404);
    const noKey = await t.request({
      method: 'POST',
      url: `/v1/orders/${captured.id}/refunds`,
      token: ops,
      payload: { amount_minor: 100, reason: 'x' },
    });
    expect(noKey.statusCode).toBe(400);
  });

  it('never refunds more than was captured when 20 refunds race', async () => {
    const o = await order(1000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refund(o.id, ops, { amount_minor: 150, reason: 'race' })),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(6);
    expect(codes.filter((c) => c !== 201).every((c) => c === 409)).toBe(true);
    const payment = (
      await t.request({ method: 'GET', url: `/v1/orders/${o.id}/payment`, token: ops })
    ).json();
    expect(payment).toMatchObject({ captured_minor: 1000, refunded_minor: 900 });
    const mismatches = await paymentsFor(t.platform.ctx).reconcile();
    expect(mismatches.filter((m) => m.order_id === o.id)).toEqual([]);
  });
});
