import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { moveOrder, openShop, orderAt, type Shop } from '../../../test/support/shop.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { timelineSource } from '../../platform/timeline/timeline.ts';
import { driversFor } from '../drivers/index.ts';
import { allModules } from '../index.ts';
import { ordersFor } from '../orders/index.ts';
import { SOURCE_LIMIT } from './order-timeline.service.ts';

interface Item {
  at: string;
  source: string;
  kind: string;
  summary: string;
  data: Record<string, unknown>;
}
interface Courier {
  id: string;
  token: string;
}

// An order's timeline: a whole life (a declined card, the authorize workflow paying the second
// attempt, the store, two offers, the driver's steps, the capture, a ticket, a refund, a partner's
// webhooks) read back in one list, and a module of this test's own adding its part to it.

/** A module this test adds, as chat will: its source answers for any order, in its own words. */
const failFor = new Set<string>();
const floodFor = new Set<string>();
const chatProbe: ModuleDefinition = {
  name: 'chat-probe',
  orderTimeline: () =>
    timelineSource('chat', async (q) => {
      if (failFor.has(q.orderId)) throw new Error('chat is down');
      const n = floodFor.has(q.orderId) ? q.limit + 1 : 1;
      return Array.from({ length: n }, (_, i) => ({
        at: new Date(Date.UTC(2020, 0, 1, 0, 0, i)),
        source: 'chat',
        kind: 'chat.message',
        summary: 'Customer: please ring twice',
        data: { text: 'please ring twice', card_token: 'tok_visa', attachment: 'x'.repeat(400) },
      }));
    }),
};

let t: TestPlatform;
let ops: string;
let customer: string;
let couriers: Courier[];
let partner: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  t = await startTestPlatform({
    // Greedy dispatch offers a trip as soon as it is planned, to the nearest driver.
    env: { LASTMILE_DISPATCH_STRATEGY: 'greedy' },
    modules: [...allModules, chatProbe],
  });
  ops = await t.tokenFor('ops');
  customer = await t.tokenFor('customer');
  couriers = [];
  for (const which of [0, 1]) {
    const token = await t.tokenFor('driver', which);
    const me = await t.request({ method: 'GET', url: '/v1/me', token });
    couriers.push({ id: me.json().driver_id, token });
  }
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  partner = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}, 60_000);
afterAll(async () => {
  await partner?.close();
  await t?.stop();
});

const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) =>
  t.request({
    method,
    url,
    token,
    ...(payload ? { payload } : {}),
    headers: method === 'GET' ? {} : { 'idempotency-key': uuidv7() },
  });
const timeline = async (orderId: string) => {
  const res = await call('GET', `/v1/ops/orders/${orderId}/timeline`, ops);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { order_id: string; items: Item[]; gaps: unknown[] };
};
const at = (c: Courier, p: { lat: number; lng: number }) =>
  driversFor(t.platform.ctx).positions.upsert([{ id: c.id, ...p, at: Date.now() }]);

/** Declined at checkout; the retry's request dies and the authorize workflow pays it. */
async function paidAfterDecline(shop: Shop): Promise<string> {
  const declined = await orderAt(t, shop, { token: customer, card: 'tok_decline' });
  expect(declined.statusCode).toBe(402);
  const id = declined.json().order_id as string;
  const o = await ordersFor(t.platform.ctx).find(id);
  await ordersFor(t.platform.ctx).startAttempt(id, {
    customerId: o?.customer_id as string,
    cardToken: 'tok_visa',
    key: `died-${id}`,
  });
  // The attempt's request died a minute ago: the deadline sweep hands it to the workflow.
  await sql`UPDATE orders SET status_at = status_at - interval '1 minute' WHERE id = ${id}`.execute(
    t.platform.ctx.db,
  );
  await waitFor(
    async () => (await ordersFor(t.platform.ctx).find(id))?.status === 'authorized',
    30_000,
    'paid by the authorize workflow',
  );
  return id;
}

const openOffer = (c: Courier) =>
  waitFor(
    async () => (await call('GET', '/v1/dispatch/offers', c.token)).json().items[0] ?? null,
    15_000,
    'an offer',
  );

/** The nearer driver declines, the other accepts; then the steps to the door. */
async function delivered(shop: Shop, orderId: string): Promise<void> {
  const [near, far] = couriers as [Courier, Courier];
  for (const [c, km] of [
    [near, 0.3],
    [far, 0.8],
  ] as const) {
    expect(
      (await call('PUT', '/v1/drivers/me/shift', c.token, { status: 'available' })).statusCode,
    ).toBe(200);
    await at(c, { lat: shop.at.lat + km * 0.009, lng: shop.at.lng });
  }
  await moveOrder(t, shop, orderId, 'accept', 'preparing');
  const first = await openOffer(near);
  const declined = await call('POST', `/v1/dispatch/offers/${first.id}/decline`, near.token, {
    reason: 'flat tyre',
  });
  expect(declined.statusCode).toBe(200);
  const second = await openOffer(far);
  const trip = await call('POST', `/v1/dispatch/offers/${second.id}/accept`, far.token);
  expect(trip.statusCode).toBe(200);
  const deliveryId = trip.json().deliveries[0].id as string;
  const step = (path: string, p: { lat: number; lng: number }, body: object = {}) =>
    call('POST', `/v1/deliveries/${deliveryId}/${path}`, far.token, { ...p, ...body });
  await at(far, shop.at);
  expect((await step('arrived-at-store', shop.at)).statusCode).toBe(200);
  await moveOrder(t, shop, orderId, 'ready');
  await waitFor(
    async () => (await step('picked-up', shop.at)).statusCode === 200,
    10_000,
    'pickup',
  );
  const door = { lat: shop.at.lat + 0.01, lng: shop.at.lng };
  await at(far, door);
  expect((await step('arrived-at-dropoff', door)).statusCode).toBe(200);
  const pin = (await call('GET', `/v1/orders/${orderId}/delivery`, customer)).json().pin;
  expect((await step('delivered', door, { pin })).statusCode).toBe(200);
}

/** The index of the first item matching, after `from`; -1 when none. */
const indexOf = (items: readonly Item[], match: (i: Item) => boolean, from = 0) =>
  items.findIndex((item, i) => i >= from && match(item));

/** Each matcher found after the previous one: the items come in this order. */
function inOrder(items: readonly Item[], matchers: Array<[string, (i: Item) => boolean]>) {
  let from = 0;
  for (const [name, match] of matchers) {
    const i = indexOf(items, match, from);
    expect(i, `${name} after item ${from}`).toBeGreaterThanOrEqual(0);
    from = i + 1;
  }
}
const kind = (k: string, source?: string) => (i: Item) =>
  i.kind === k && (source === undefined || i.source === source);

describe('GET /v1/ops/orders/{id}/timeline', () => {
  it("shows an order's whole life in one list, oldest first", async () => {
    const shop = await openShop(t, { stock: [20], lat: 50.1, lng: 8.6 });
    const hook = await call('POST', '/v1/ops/webhooks', ops, {
      partner_name: 'Timeline partner',
      url: partner.url,
      events: ['orders.*'],
      store_id: shop.storeId,
      reason: 'partner onboarding',
    });
    expect(hook.statusCode).toBe(201);
    const id = await paidAfterDecline(shop);
    await delivered(shop, id);
    await waitFor(
      async () => (await ordersFor(t.platform.ctx).find(id))?.captured_minor !== null,
      30_000,
      'the capture',
    );
    const ticket = await call('POST', '/v1/support/tickets', customer, {
      subject: 'Bag was wet',
      message: 'The bread got soaked.',
      order_id: id,
    });
    expect(ticket.statusCode).toBe(201);
    const refund = await call('POST', `/v1/orders/${id}/refunds`, ops, {
      amount_minor: 100,
      reason: 'wet bread',
    });
    expect(refund.statusCode).toBe(201);

    // What follows on its own: the settle workflow, the partner's deliveries, ops' notification.
    const tl = await waitFor(
      async () => {
        const got = await timeline(id);
        const done =
          got.items.some((i) => i.kind === 'workflow.ended' && i.data.name === 'orders.settle') &&
          got.items.some(
            (i) =>
              i.kind === 'webhook.delivery' &&
              i.data.event_type === 'orders.order_delivered' &&
              i.data.status === 'delivered',
          ) &&
          got.items.some((i) => i.kind === 'notification.ticket_opened');
        return done ? got : null;
      },
      30_000,
      'the timeline complete',
    );
    expect(tl.order_id).toBe(id);
    expect(tl.gaps).toEqual([]);
    const { items } = tl;
    const times = items.map((i) => i.at);
    expect(times).toEqual([...times].sort());

    // The order's events, in the order they happened.
    const events = items.filter((i) => i.source === 'events' && i.kind.startsWith('orders.'));
    expect(events.map((i) => i.kind)).toEqual(
      [
        'placed',
        'payment_failed',
        'authorizing',
        'authorized',
        'accepted',
        'preparing',
        'ready',
        'picked_up',
        'delivered',
      ].map((s) => `orders.order_${s}`),
    );
    const wf = (name: string) => (i: Item) => i.source === 'workflows' && i.data.name === name;
    const authorize = items.filter(wf('orders.authorize'));
    expect(authorize[0]?.data.workflow_id).toBe(`order:${id}:authorize:2`);
    expect(authorize.map((i) => i.data.step_name ?? i.kind)).toEqual(
      expect.arrayContaining([
        'workflow.started',
        'orders.load',
        'orders.authorize',
        'inventory.extend',
        'orders.transition',
        'workflow.ended',
      ]),
    );
    expect(authorize.at(-1)?.data.status).toBe('SUCCESS');
    // The card token the order pays with is in the step's output, redacted.
    const load = authorize.find((i) => i.data.step_name === 'orders.load');
    expect((load?.data.output as Record<string, unknown>).paymentMethod).toBe('[redacted]');
    expect(items.filter(wf('orders.settle')).map((i) => i.data.step_name ?? i.kind)).toEqual([
      'workflow.started',
      'orders.load',
      'orders.settle',
      'workflow.ended',
    ]);

    const [near, far] = couriers as [Courier, Courier];
    const offer = (k: string, c: Courier) => (i: Item) => i.kind === k && i.data.driver_id === c.id;
    inOrder(items, [
      ['placed', kind('order.placed', 'orders')],
      ['declined card', kind('orders.order_payment_failed')],
      ['authorize started', (i) => wf('orders.authorize')(i) && i.kind === 'workflow.started'],
      ['authorization', kind('payment.authorize', 'payments')],
      ['accepted', kind('orders.order_accepted')],
      ['planned', kind('delivery.planned', 'dispatch')],
      ['first offer', offer('offer.sent', near)],
      ['declined offer', offer('offer.declined', near)],
      ['second offer', offer('offer.sent', far)],
      ['accepted offer', offer('offer.accepted', far)],
      ['at store', kind('delivery.at_store', 'dispatch')],
      ['picked up', kind('delivery.picked_up', 'dispatch')],
      ['at door', kind('delivery.at_dropoff', 'dispatch')],
      ['delivered', kind('delivery.delivered', 'dispatch')],
      ['capture', kind('payment.capture', 'payments')],
      ['ticket', kind('ticket.opened', 'support')],
      ['refund', kind('payment.refund', 'payments')],
    ]);
    expect(items.find(offer('offer.declined', near))?.data.reason).toBe('flat tyre');
    expect(items.some(kind('driver.earned', 'dispatch'))).toBe(true);
    expect(items.some(kind('refund.succeeded', 'payments'))).toBe(true);
    // Found through the ticket: its event and the notification to ops.
    expect(items.some(kind('support.ticket_opened', 'events'))).toBe(true);
    expect(items.find(kind('notification.ticket_opened'))?.data.recipient_role).toBe('ops');
    const hooks = items.filter(kind('webhook.delivery', 'webhooks'));
    expect(hooks.length).toBeGreaterThanOrEqual(8);
    expect(hooks[0]?.data.partner_name).toBe('Timeline partner');

    // Nothing secret: no card token, no handover PIN, no webhook secret.
    const body = JSON.stringify(tl);
    expect(body).not.toMatch(/tok_(visa|decline)/);
    expect(body).not.toMatch(/"pin"\s*:\s*"\d{4}"/);
    expect(body).not.toContain(hook.json().secret);

    // A module's own source (here the test's chat) is in the list, redacted and trimmed.
    const chat = items.find(kind('chat.message', 'chat'));
    expect(chat?.data.card_token).toBe('[redacted]');
    expect((chat?.data.attachment as string).length).toBeLessThan(400);

    // The search finds it by its driver, with the driver's name and where the delivery is.
    const found = await call('GET', `/v1/ops/orders?driver_id=${far.id}`, ops);
    expect(found.json().items).toEqual([
      expect.objectContaining({
        id,
        status: 'delivered',
        driver: { id: far.id, name: 'Eli Driver' },
        delivery_status: 'delivered',
      }),
    ]);
  }, 120_000);

  it('names a source that failed or had too much, and shows the rest', async () => {
    const shop = await openShop(t, { stock: [5], lat: 50.5, lng: 8.6 });
    const placed = await orderAt(t, shop, { token: customer });
    const id = placed.json().id as string;
    failFor.add(id);
    const failed = await timeline(id);
    expect(failed.gaps).toEqual([{ source: 'chat', reason: 'error' }]);
    expect(failed.items.some(kind('payment.authorize', 'payments'))).toBe(true);
    failFor.delete(id);
    floodFor.add(id);
    const flooded = await timeline(id);
    expect(flooded.gaps).toEqual([{ source: 'chat', reason: 'limit' }]);
    expect(flooded.items.filter(kind('chat.message'))).toHaveLength(SOURCE_LIMIT);
  });

  it('answers 404 for an order that does not exist', async () => {
    const res = await call('GET', `/v1/ops/orders/${uuidv7()}/timeline`, ops);
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });
});
