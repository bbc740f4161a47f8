import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { DEMO_DRIVER_IDS } from '../../src/cli/demo-seed.ts';
import { dispatchFor } from '../../src/modules/dispatch/index.ts';
import { type TestPlatform, waitFor } from './platform.ts';
import { openShop, type Shop } from './shop.ts';
import type { Caller, Fixture, Side } from './sweep-tenants.ts';

/**
 * The security sweep's fixture (test/chaos/security.test.ts): the real resources each of the two
 * tenants of sweep-tenants.ts owns, made through the API.
 */
/** Offers expire and trips fall due on this clock only, so the fixture moves it instead of waiting. */
export interface SweepClock {
  now(): number;
  advance(ms: number): void;
}
export function sweepClock(): SweepClock {
  let now = Date.now();
  return { now: () => now, advance: (ms) => void (now += ms) };
}

const callWith = (
  t: TestPlatform,
  token: string | undefined,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
) =>
  t.request({
    method,
    url,
    token,
    ...(payload ? { payload } : {}),
    headers: method === 'GET' ? {} : { 'idempotency-key': uuidv7() },
  });
export async function ok(
  res: Promise<LightMyRequestResponse>,
  what: string,
): Promise<Record<string, unknown>> {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`fixture: ${what} answered ${r.statusCode} ${r.body}`);
  return r.statusCode === 204 ? {} : (r.json() as Record<string, unknown>);
}
export const idOf = (o: Record<string, unknown>) => String(o.id);

type Call = (
  token: string | undefined,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
) => Promise<LightMyRequestResponse>;

/** What the fixture's steps share while it is built. */
interface Build {
  t: TestPlatform;
  clock: SweepClock;
  call: Call;
  shops: Record<Side, Shop>;
  customers: Record<Side, string>;
  drivers: Record<Side, { token: string; id: string }>;
  opsToken: string;
}

const SIDE_NAMES = ['A', 'B'] as const;

/** Real resources on both sides, made through the API: orders accepted and carried, tickets, notifications. */
export async function buildFixture(t: TestPlatform, clock: SweepClock): Promise<Fixture> {
  const call: Call = (token, method, url, payload) => callWith(t, token, method, url, payload);
  const token = {
    customerA: await t.tokenFor('customer', 0),
    customerB: await t.tokenFor('customer', 1),
    driver1: await t.tokenFor('driver', 0),
    driver2: await t.tokenFor('driver', 1),
    ops: await t.tokenFor('ops'),
  };
  const shops: Record<Side, Shop> = {
    A: await openShop(t, { stock: [40, 40] }),
    B: await openShop(t, { stock: [40, 40], lat: 48.14, lng: 11.58 }),
  };
  const partners = await partnerResources(call, token.ops);
  const b: Build = {
    t,
    clock,
    call,
    shops,
    customers: { A: token.customerA, B: token.customerB },
    drivers: {
      A: { token: token.driver1, id: DEMO_DRIVER_IDS[0] },
      B: { token: token.driver2, id: DEMO_DRIVER_IDS[1] },
    },
    opsToken: token.ops,
  };
  const orders = await placeOrders(b);
  const deliveries = await plannedDeliveries(b, orders);
  const offers = await acceptOffers(b);
  const support = await supportResources(b, orders);
  const webhookDelivery = await waitFor(
    async () => {
      const r = await call(
        token.ops,
        'GET',
        `/v1/ops/webhooks/${idOf(partners.webhook)}/deliveries`,
      );
      return (r.json() as { items: Array<{ id: string }> }).items[0]?.id ?? null;
    },
    15_000,
    'webhook delivery',
  );
  const both = (v: string) => ({ A: v, B: v });
  const sided = (g: (s: Side) => string) => ({ A: g('A'), B: g('B') });
  return {
    callers: callersOf(token, shops, String(partners.partnerKey.key)),
    shops,
    secrets: [String(partners.partnerKey.key), String(partners.webhook.secret)],
    ids: {
      order: orders,
      delivery: sided((s) => String(deliveries[s].id)),
      trip: sided((s) => String(deliveries[s].trip_id)),
      offer: offers,
      store: sided((s) => shops[s].storeId),
      product: sided((s) => shops[s].products[0]?.id ?? ''),
      driver: sided((s) => b.drivers[s].id),
      user: support.userIds,
      ticket: support.tickets,
      notification: support.notifications,
      webhook: both(idOf(partners.webhook)),
      webhookDelivery: both(webhookDelivery),
      apiKey: both(idOf(partners.spareKey)),
      deadLetter: both('1'),
      category: both('groceries'),
    },
  };
}

/** A webhook subscription and two partner API keys (the second only to be looked at). */
async function partnerResources(call: Call, opsToken: string) {
  const webhook = await ok(
    call(opsToken, 'POST', '/v1/ops/webhooks', {
      partner_name: 'Sweep',
      url: 'http://127.0.0.1:9/sweep',
      events: ['orders.*'],
    }),
    'webhook',
  );
  const partnerKey = await ok(
    call(opsToken, 'POST', '/v1/partners/api-keys', { partner_name: 'Sweep partner' }),
    'api key',
  );
  const spareKey = await ok(
    call(opsToken, 'POST', '/v1/partners/api-keys', { partner_name: 'Spare partner' }),
    'api key',
  );
  return { webhook, partnerKey, spareKey };
}

/** The side's driver reports a position near its store, as of the sweep's clock. */
function report(b: Build, side: Side) {
  const at = b.shops[side].at;
  return ok(
    b.call(b.drivers[side].token, 'POST', '/v1/drivers/me/locations', {
      points: [
        { lat: at.lat + 0.004, lng: at.lng, recorded_at: new Date(b.clock.now()).toISOString() },
      ],
    }),
    'location',
  );
}

/** Each side's driver on shift, and its customer's order placed and accepted by its store. */
async function placeOrders(b: Build): Promise<Record<Side, string>> {
  const { call, customers } = b;
  const orders = {} as Record<Side, string>;
  for (const side of SIDE_NAMES) {
    await ok(
      call(b.drivers[side].token, 'PUT', '/v1/drivers/me/shift', { status: 'available' }),
      'shift',
    );
    await report(b, side);
    const shop = b.shops[side];
    const delivery = { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Sweep Street 1' };
    // A checks out a cart, B sends explicit lines: both ways of ordering are in the fixture.
    if (side === 'A')
      await ok(
        call(customers.A, 'PUT', '/v1/cart/lines', {
          store_id: shop.storeId,
          product_id: shop.products[0]?.id,
          quantity: 2,
        }),
        'cart',
      );
    const body =
      side === 'A'
        ? { delivery, payment: { card_token: 'tok_visa' } }
        : {
            store_id: shop.storeId,
            lines: [{ product_id: shop.products[0]?.id, quantity: 2 }],
            delivery,
            payment: { card_token: 'tok_visa' },
          };
    orders[side] = idOf(await ok(call(customers[side], 'POST', '/v1/orders', body), 'checkout'));
    await ok(call(shop.storeToken, 'POST', `/v1/orders/${orders[side]}/accept`), 'accept');
  }
  return orders;
}

async function plannedDeliveries(b: Build, orders: Record<Side, string>) {
  const deliveries = {} as Record<Side, Record<string, unknown>>;
  for (const side of SIDE_NAMES) {
    deliveries[side] = await waitFor(
      async () => {
        const r = await b.call(b.customers[side], 'GET', `/v1/orders/${orders[side]}/delivery`);
        return r.statusCode === 200 ? (r.json() as Record<string, unknown>) : null;
      },
      15_000,
      'delivery planned',
    );
  }
  return deliveries;
}

/** Each side's trip offered to its driver, who accepts it. */
async function acceptOffers(b: Build): Promise<Record<Side, string>> {
  // Past the moment the trips are due (the store's preparation time), drivers still reporting.
  b.clock.advance(15 * 60_000);
  await report(b, 'A');
  await report(b, 'B');
  await dispatchFor(b.t.platform.ctx).dispatcher.tick();
  const offers = {} as Record<Side, string>;
  for (const side of SIDE_NAMES) {
    const driver = b.drivers[side].token;
    const offer = await waitFor(
      async () => {
        const r = await b.call(driver, 'GET', '/v1/dispatch/offers');
        return (r.json() as { items: Array<{ id: string }> }).items[0] ?? null;
      },
      15_000,
      `offer to driver of side ${side}`,
    );
    offers[side] = offer.id;
    await ok(b.call(driver, 'POST', `/v1/dispatch/offers/${offer.id}/accept`), 'offer accept');
  }
  return offers;
}

/** Per side: a ticket about the order, another resolved by ops (so a notification), the user id. */
async function supportResources(b: Build, orders: Record<Side, string>) {
  const { call, customers } = b;
  const tickets = {} as Record<Side, string>;
  const notifications = {} as Record<Side, string>;
  const userIds = {} as Record<Side, string>;
  for (const side of SIDE_NAMES) {
    tickets[side] = idOf(
      await ok(
        call(customers[side], 'POST', '/v1/support/tickets', {
          subject: 'Where is it',
          message: 'Late',
          order_id: orders[side],
        }),
        'ticket',
      ),
    );
    const answered = idOf(
      await ok(
        call(customers[side], 'POST', '/v1/support/tickets', {
          subject: 'Question',
          message: 'Hello',
        }),
        'ticket',
      ),
    );
    await ok(
      call(b.opsToken, 'POST', `/v1/support/tickets/${answered}/resolve`, {
        resolution: 'Answered',
      }),
      'resolve',
    );
    notifications[side] = await waitFor(
      async () => {
        const r = await call(customers[side], 'GET', '/v1/notifications');
        return (r.json() as { items: Array<{ id: string }> }).items[0]?.id ?? null;
      },
      15_000,
      'customer notified',
    );
    userIds[side] = idOf(await ok(call(customers[side], 'GET', '/v1/me'), 'me'));
  }
  return { tickets, notifications, userIds };
}

function callersOf(
  token: Record<'customerA' | 'customerB' | 'driver1' | 'driver2' | 'ops', string>,
  shops: Record<Side, Shop>,
  partnerKey: string,
): Caller[] {
  const bearer = (tk: string) => ({ authorization: `Bearer ${tk}` });
  return [
    { who: 'anonymous', role: null, side: null, headers: {} },
    { who: 'customerA', role: 'customer', side: 'A', headers: bearer(token.customerA) },
    { who: 'customerB', role: 'customer', side: 'B', headers: bearer(token.customerB) },
    { who: 'driver1', role: 'driver', side: 'A', headers: bearer(token.driver1) },
    { who: 'driver2', role: 'driver', side: 'B', headers: bearer(token.driver2) },
    { who: 'storeS', role: 'store', side: 'A', headers: bearer(shops.A.storeToken) },
    { who: 'storeT', role: 'store', side: 'B', headers: bearer(shops.B.storeToken) },
    { who: 'partner', role: 'partner', side: null, headers: { 'x-api-key': partnerKey } },
    { who: 'ops', role: 'ops', side: null, headers: bearer(token.ops) },
  ];
}
