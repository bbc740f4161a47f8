import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { openShop, orderAt, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import {
  ENDINGS,
  type Ending,
  FINAL_STATUS,
  firstIllegalMove,
  lifecycleEvents,
  seeded,
  shuffledWithRepeats,
} from '../../../test/support/tracking-lifecycles.ts';
import { type FollowedEvent, trackingFor } from './index.ts';

const LIFECYCLES = 200;
/** Orders whose events are being handled at once; all events of one order go at once. */
const ORDERS_AT_ONCE = 8;

let t: TestPlatform;
let customer: string;
let shop: Shop;
beforeAll(async () => {
  t = await startTestPlatform();
  customer = await t.tokenFor('customer');
  shop = await openShop(t, { stock: [LIFECYCLES * 2], lat: 47.5, lng: 9.7 });
});
afterAll(async () => {
  await t?.stop();
});

/** A paid order nobody has accepted yet: every later change comes from the test's events. */
async function placeOrder(): Promise<{ id: string; customer_id: string }> {
  const { body } = await paidOrderAt(t, shop, { token: customer, address: 'Door 19' });
  return body as { id: string; customer_id: string };
}

interface Read {
  statuses: string[];
  /** Each ETA message's status, with the status of the last status message before it. */
  etas: Array<{ for: unknown; after: string }>;
  snapshot: string;
  eta: string;
}

/** The order's whole log and its current status, as a client reads them over REST. */
async function readBack(orderId: string): Promise<Read> {
  const tracking = await t.request({
    method: 'GET',
    url: `/v1/orders/${orderId}/tracking`,
    token: customer,
  });
  expect(tracking.statusCode).toBe(200);
  const body = tracking.json() as {
    snapshot: { status: string };
    items: Array<{ type: string; status?: string }>;
  };
  const read: Read = {
    statuses: ['authorized'],
    etas: [],
    snapshot: body.snapshot.status,
    eta: '',
  };
  for (const m of body.items) {
    if (m.type === 'status') read.statuses.push(m.status as string);
    else read.etas.push({ for: m.status, after: read.statuses.at(-1) as string });
  }
  const eta = await t.request({ method: 'GET', url: `/v1/orders/${orderId}/eta`, token: customer });
  expect(eta.statusCode).toBe(200);
  read.eta = eta.json().status as string;
  return read;
}

describe('tracking streams under interleaved store and driver steps', () => {
  it(`${LIFECYCLES} lifecycles, each order's events handled at once in shuffled orders: every stream follows the state machine and REST reads its last status`, async () => {
    const tracking = trackingFor(t.platform.ctx);
    const rnd = seeded(1919);
    const lifecycles: Array<{ orderId: string; ending: Ending; events: FollowedEvent[] }> = [];
    for (let n = 0; n < LIFECYCLES; n++) {
      const order = await placeOrder();
      const orderId = order.id;
      const ending = ENDINGS[n % ENDINGS.length] as Ending;
      const ids = {
        orderId,
        storeId: shop.storeId,
        customerId: order.customer_id,
        deliveryId: uuidv7(),
        tripId: uuidv7(),
        drivers: [uuidv7(), uuidv7()] as const,
      };
      lifecycles.push({ orderId, ending, events: lifecycleEvents(ids, ending) });
    }
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < lifecycles.length; i = next++) {
        const { events } = lifecycles[i] as (typeof lifecycles)[number];
        await Promise.all(
          shuffledWithRepeats(events, rnd).map(async (e) =>
            tracking.announce(
              (e.payload as { order_id: string }).order_id,
              await tracking.follow(e, { attempt: 1 }),
            ),
          ),
        );
      }
    };
    await Promise.all(Array.from({ length: ORDERS_AT_ONCE }, worker));

    for (const { orderId, ending } of lifecycles) {
      const read = await readBack(orderId);
      expect(firstIllegalMove(read.statuses), orderId).toBeNull();
      expect(read.statuses.at(-1), orderId).toBe(FINAL_STATUS[ending]);
      expect(read.snapshot, orderId).toBe(read.statuses.at(-1));
      expect(read.eta, orderId).toBe(read.statuses.at(-1));
      // No estimate made for an earlier state is logged after a later one.
      for (const e of read.etas) expect(e.for, orderId).toBe(e.after);
    }
  }, 120_000);

  it('a step that overtook the one before it waits briefly for it: the stream shows both', async () => {
    const tracking = trackingFor(t.platform.ctx);
    const order = await placeOrder();
    const events = lifecycleEvents(
      {
        orderId: order.id,
        storeId: shop.storeId,
        customerId: order.customer_id,
        deliveryId: uuidv7(),
        tripId: uuidv7(),
        drivers: [uuidv7(), uuidv7()],
      },
      'delivered',
    );
    const event = (type: string) => events.find((e) => e.type === type) as FollowedEvent;
    const follow = (type: string) => tracking.follow(event(type), { attempt: 1 });
    await follow('orders.order_accepted');
    const pickup = follow('dispatch.delivery_picked_up');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await follow('dispatch.delivery_assigned');
    await follow('dispatch.delivery_at_store');
    await pickup;
    const read = await readBack(order.id);
    expect(read.statuses).toEqual(['authorized', 'accepted', 'assigned', 'at_store', 'picked_up']);
    expect(read.eta).toBe('picked_up');
  });

  it('pages the REST log by cursor: each page goes on where the last ended, the last says so', async () => {
    const tracking = trackingFor(t.platform.ctx);
    const order = await placeOrder();
    const ids = {
      orderId: order.id,
      storeId: shop.storeId,
      customerId: order.customer_id,
      deliveryId: uuidv7(),
      tripId: uuidv7(),
      drivers: [uuidv7(), uuidv7()] as const,
    };
    for (const e of lifecycleEvents(ids, 'delivered')) await tracking.follow(e, { attempt: 1 });
    const page = async (query: string) => {
      const url = `/v1/orders/${order.id}/tracking${query}`;
      const res = await t.request({ method: 'GET', url, token: customer });
      expect(res.statusCode).toBe(200);
      return res.json() as { items: Array<{ seq: number }>; next_cursor: string | null };
    };
    const all = await page('');
    expect(all.next_cursor).toBeNull();
    expect(all.items.length).toBeGreaterThan(2);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const next = await page(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(next.items.length).toBeLessThanOrEqual(2);
      seen.push(...next.items.map((m) => m.seq));
      cursor = next.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((m) => m.seq));
    const beyond = await t.request({
      method: 'GET',
      url: `/v1/orders/${order.id}/tracking?cursor=9999999999`,
      token: customer,
    });
    expect(beyond.statusCode).toBe(400);
  });

  it('follows a declined order waiting for another card: its status is payment_failed', async () => {
    const declined = await orderAt(t, shop, {
      token: customer,
      card: 'tok_decline',
      address: 'Door 19',
    });
    expect(declined.statusCode).toBe(402);
    const orderId = declined.json().order_id as string;
    const url = `/v1/orders/${orderId}`;
    const feed = await t.request({ method: 'GET', url: `${url}/tracking`, token: customer });
    expect(feed.statusCode).toBe(200);
    expect(feed.json().snapshot.status).toBe('payment_failed');
    const eta = await t.request({ method: 'GET', url: `${url}/eta`, token: customer });
    expect(eta.json().status).toBe('payment_failed');
  });
});
