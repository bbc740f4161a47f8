import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../../test/support/audit.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { moveOrder, openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';

let t: TestPlatform;
let shop: Shop;
let ops: string;
let customer: string;
beforeAll(async () => {
  t = await startTestPlatform();
  shop = await openShop(t, { stock: [50, 50] });
  ops = await t.tokenFor('ops');
  customer = await t.tokenFor('customer');
});
afterAll(async () => t?.stop());

const post = (url: string, token: string, payload?: object, key?: string) =>
  t.request({
    method: 'POST',
    url,
    token,
    ...(payload ? { payload } : {}),
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });

describe("ops' writes in the audit log", () => {
  it("writes ops' store pause once per key; the store's own pause and resume are not in it", async () => {
    const url = `/v1/stores/${shop.storeId}/pause`;
    const key = `pause-${uuidv7()}`;
    const reason = 'flooded cellar';
    // Pausing a store is an ops admin's: an agent is refused and nothing is written.
    const agent = await post(url, await t.tokenFor('ops', 1), { reason });
    expect(agent.statusCode).toBe(403);
    expect(agent.json().code).toBe('OPS_ADMIN_REQUIRED');
    expect((await post(url, ops, { reason }, key)).statusCode).toBe(200);
    const again = await post(url, ops, { reason }, key);
    expect(again.statusCode).toBe(200);
    const entries = await auditEntries(t, ops, `target_type=store&target_id=${shop.storeId}`);
    const pauses = entries.filter((e) => e.action === 'store.pause');
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toMatchObject({
      reason,
      actor: { role: 'ops' },
      before: { status: 'open' },
      after: { status: 'paused' },
      idempotency_key: key,
    });
    // The store's staff may pause and resume it too (no body): not audited.
    expect((await post(url, shop.storeToken)).statusCode).toBe(200);
    expect((await post(`/v1/stores/${shop.storeId}/resume`, shop.storeToken)).statusCode).toBe(200);
    const after = await auditEntries(t, ops, `target_type=store&target_id=${shop.storeId}`);
    expect(after.filter((e) => e.actor.role !== 'ops')).toEqual([]);
    expect(after.filter((e) => e.action === 'store.pause')).toHaveLength(1);
    expect(after.filter((e) => e.action === 'store.resume')).toEqual([]);
    // Set up without a reason (the seeders' way): the route's own reason.
    const [created] = await auditEntries(t, ops, `action=store.create&target_id=${shop.storeId}`);
    expect(created).toMatchObject({ reason: 'catalog set-up', before: null });
  });

  it('writes a product update with the product before and after', async () => {
    const product = shop.products[1] as Shop['products'][number];
    const res = await t.request({
      method: 'PATCH',
      url: `/v1/products/${product.id}`,
      token: ops,
      payload: { price_minor: product.price + 10, reason: 'supplier price list' },
    });
    expect(res.statusCode).toBe(200);
    const [entry] = await auditEntries(t, ops, `action=product.update&target_id=${product.id}`);
    expect(entry).toMatchObject({
      target: { type: 'product', id: product.id },
      reason: 'supplier price list',
      before: { price_minor: product.price, sku: product.sku },
      after: { price_minor: product.price + 10, sku: product.sku },
    });
  });

  it("writes a driver's onboarding without the driver's name, email or phone", async () => {
    const email = `d-${uuidv7().slice(-8)}@test.lastmile.dev`;
    const res = await post('/v1/drivers', ops, {
      email,
      name: 'Dana Driver',
      password: 'long-enough-password',
      vehicle: 'bike',
      phone: '+49 30 1234567',
      reason: 'new courier for the night shift',
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    const [entry] = await auditEntries(t, ops, `action=driver.create&target_id=${id}`);
    expect(entry).toMatchObject({
      target: { type: 'driver', id },
      reason: 'new courier for the night shift',
      before: null,
      after: { vehicle: 'bike', capacity_items: 15 },
    });
    const kept = JSON.stringify([entry?.before, entry?.after]);
    for (const personal of [email, 'Dana', '1234567']) expect(kept).not.toContain(personal);
  });

  it("writes a ticket's resolution (its state, not its text)", async () => {
    const opened = await post('/v1/support/tickets', customer, {
      subject: 'Late order',
      message: 'It is an hour late',
    });
    expect(opened.statusCode).toBe(201);
    const id = opened.json().id as string;
    const resolved = await post(`/v1/support/tickets/${id}/resolve`, ops, {
      resolution: 'Refunded the fee to Mrs Example',
    });
    expect(resolved.statusCode).toBe(200);
    const [entry] = await auditEntries(t, ops, `action=ticket.resolve&target_id=${id}`);
    expect(entry).toMatchObject({
      target: { type: 'ticket', id },
      reason: 'ticket answered',
      before: { status: 'open' },
      after: { status: 'resolved' },
    });
    expect(JSON.stringify(entry?.after)).not.toContain('Example');
  });

  it('asks ops for a reason to override an order, and writes the override once per key', async () => {
    const { id } = await paidOrderAt(t, shop, { token: customer });
    const bare = await post(`/v1/orders/${id}/accept`, ops);
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bare.json().errors).toEqual([{ path: 'body.reason', message: expect.any(String) }]);
    const key = `accept-${id}`;
    const reason = 'the store tablet is broken';
    for (let i = 0; i < 2; i++)
      expect((await post(`/v1/orders/${id}/accept`, ops, { reason }, key)).statusCode).toBe(200);
    const entries = await auditEntries(t, ops, `target_type=order&target_id=${id}`);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'order.accept',
      reason,
      before: { status: 'authorized' },
      after: { status: 'accepted' },
    });
    // The store's own moves of the order need no reason and are not in the log.
    await moveOrder(t, shop, id, 'preparing');
    expect(await auditEntries(t, ops, `target_type=order&target_id=${id}`)).toHaveLength(1);
  });

  it("writes ops' stock counts and adjustments beside the stock trail; the store's are not in it", async () => {
    const product = shop.products[0] as Shop['products'][number];
    const url = `/v1/stores/${shop.storeId}/stock/${product.id}`;
    const target = `target_type=stock&target_id=${shop.storeId}/${product.id}`;
    const counted = await t.request({
      method: 'PUT',
      url,
      token: ops,
      payload: { on_hand: 40, reason: 'recount after audit' },
    });
    expect(counted.statusCode).toBe(200);
    const adjust = (token: string, delta: number, reason: string) =>
      post(`${url}/adjustments`, token, { kind: 'adjustment', delta, reason });
    expect((await adjust(shop.storeToken, -1, 'dropped a jar')).statusCode).toBe(200);
    expect((await adjust(ops, -2, 'expired units')).statusCode).toBe(200);
    const entries = await auditEntries(t, ops, target);
    expect(entries.map((e) => [e.action, e.reason])).toEqual([
      ['stock.adjust', 'expired units'],
      ['stock.set', 'recount after audit'],
    ]);
    expect(entries[1]?.after).toMatchObject({ on_hand: 40 });
    expect(entries[0]).toMatchObject({
      before: { on_hand: 39 },
      after: { on_hand: 37, kind: 'adjustment', delta: -2 },
    });
  });

  it('writes a product import that changed products, with their ids and SKUs', async () => {
    const sku = `IMP-${uuidv7().slice(-8)}`;
    const res = await t.request({
      method: 'POST',
      url: '/v1/catalog/import/products?reason=spring%20range',
      token: ops,
      payload: `sku,name,category_id,price_minor,currency\n${sku},Oat milk,groceries,199,EUR\n`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.statusCode).toBe(200);
    const entries = await auditEntries(t, ops, 'action=product.import&target_type=product_import');
    const mine = entries.find((e) => JSON.stringify(e.after).includes(sku));
    expect(mine).toMatchObject({
      reason: 'spring range',
      before: null,
      after: { lines: [2, 2], changed: [{ sku, version: expect.any(Number) }] },
    });
  });
});
