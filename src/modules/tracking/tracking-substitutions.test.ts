import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, paidOrderAt } from '../../../test/support/shop.ts';
import { newEvent } from '../../platform/bus/event.ts';
import { catalogFor } from '../catalog/index.ts';
import { ordersFor, type SubstitutionEventPayload } from '../orders/index.ts';
import { messagesAfter } from './tracking-log.ts';
import {
  ANSWER_WAITS,
  followSubstitution,
  SUBSTITUTION_ATTEMPTS,
} from './tracking-substitutions.ts';

// A substitute's answer can be handled before its proposal (the two events are handled
// concurrently): the customer's stream still shows the proposal first, and each once.

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

async function paidOrder() {
  const shop = await openShop(t, { stock: [10, 10], prices: [500, 450], lat: 46, lng: 7 });
  const customer = await t.tokenFor('customer');
  const order = await paidOrderAt(t, shop, { token: customer, lines: [[0, 1]], address: 'Door 1' });
  return { shop, orderId: order.id };
}

function events(orderId: string, shop: Awaited<ReturnType<typeof paidOrder>>['shop']) {
  const base: SubstitutionEventPayload = {
    substitution_id: uuidv7(),
    order_id: orderId,
    store_id: shop.storeId,
    customer_id: uuidv7(),
    product_id: shop.products[0]?.id as string,
    missing: 1,
    substitute_product_id: shop.products[1]?.id as string,
    name: 'Substitute',
    quantity: 1,
    unit_price_minor: 450,
    currency: 'EUR',
    status: 'proposed',
    answer_by: new Date(Date.now() + 60_000).toISOString(),
  };
  return {
    proposed: newEvent('orders.substitution_proposed', base),
    accepted: newEvent('orders.substitution_answered', { ...base, status: 'accepted' as const }),
  };
}

const follow = (consumer: string, e: ReturnType<typeof events>['proposed'], attempt: number) =>
  followSubstitution(
    {
      db: t.platform.ctx.db,
      clock: t.platform.ctx.clock,
      orders: ordersFor(t.platform.ctx),
      catalog: catalogFor(t.platform.ctx),
    },
    consumer,
    e,
    { attempt },
  );

const logged = async (orderId: string) =>
  (await messagesAfter(t.platform.ctx.db, orderId, 0, 100))
    .filter((m) => m.type === 'substitution')
    .map((m) => (m as { status: string }).status);

describe('substitutes in the tracking log', () => {
  it('sends an answer that came first back to wait for its proposal, then logs both in order', async () => {
    const { shop, orderId } = await paidOrder();
    const e = events(orderId, shop);
    const consumer = `test-subs-${uuidv7()}`;
    await expect(follow(consumer, e.accepted, 1)).rejects.toThrow(/waits for its proposal/);
    expect(await logged(orderId)).toEqual([]);
    expect(await follow(consumer, e.proposed, 1)).toHaveLength(1);
    expect(await follow(consumer, e.accepted, 2)).toHaveLength(1);
    expect(await logged(orderId)).toEqual(['proposed', 'accepted']);
  });

  it('logs an answer that waited long enough, and then drops its late proposal', async () => {
    const { shop, orderId } = await paidOrder();
    const e = events(orderId, shop);
    const consumer = `test-subs-${uuidv7()}`;
    expect(await follow(consumer, e.accepted, ANSWER_WAITS + 1)).toHaveLength(1);
    expect(await follow(consumer, e.proposed, 1)).toEqual([]);
    expect(await logged(orderId)).toEqual(['accepted']);
  });

  it('waits for the proposal only while its subscription has deliveries to spare', async () => {
    // Waiting ends before the last two deliveries: one logs the answer, one is left should it fail.
    expect(ANSWER_WAITS).toBeGreaterThanOrEqual(1);
    expect(ANSWER_WAITS).toBe(SUBSTITUTION_ATTEMPTS - 2);
    const { shop, orderId } = await paidOrder();
    const e = events(orderId, shop);
    const consumer = `test-subs-${uuidv7()}`;
    await expect(follow(consumer, e.accepted, ANSWER_WAITS)).rejects.toThrow(/waits/);
    expect(await follow(consumer, e.accepted, SUBSTITUTION_ATTEMPTS - 1)).toHaveLength(1);
    expect(await logged(orderId)).toEqual(['accepted']);
  });
});
