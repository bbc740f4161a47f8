import type { LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { DEMO_DRIVER_IDS } from '../../src/cli/demo-seed.ts';
import { dispatchFor } from '../../src/modules/dispatch/index.ts';
import type { Role } from '../../src/platform/auth/principal.ts';
import { type TestPlatform, waitFor } from './platform.ts';
import { openShop, type Shop } from './shop.ts';

/**
 * The two mirrored tenants of the security sweep (test/chaos/security.test.ts) and the real
 * resources each one owns, made through the API.
 */
export type Who =
  | 'anonymous'
  | 'customerA'
  | 'customerB'
  | 'driver1'
  | 'driver2'
  | 'storeS'
  | 'storeT'
  | 'partner'
  | 'ops';
export type Side = 'A' | 'B';
export type Party = 'customer' | 'driver' | 'store';
export interface Caller {
  who: Who;
  role: Role | null;
  side: Side | null;
  headers: Record<string, string>;
}
/** Two tenants that mirror each other: A's customer orders at store S, driver 1 carries it; B the same with T and driver 2. */
export const SIDES: Record<Side, Record<Party, Who>> = {
  A: { customer: 'customerA', driver: 'driver1', store: 'storeS' },
  B: { customer: 'customerB', driver: 'driver2', store: 'storeT' },
};
export const other = (s: Side): Side => (s === 'A' ? 'B' : 'A');

export type Kind =
  | 'order'
  | 'delivery'
  | 'trip'
  | 'offer'
  | 'store'
  | 'product'
  | 'driver'
  | 'user'
  | 'ticket'
  | 'notification'
  | 'webhook'
  | 'webhookDelivery'
  | 'apiKey'
  | 'deadLetter'
  | 'category';

export interface Fixture {
  callers: Caller[];
  shops: Record<Side, Shop>;
  ids: Record<Kind, Record<Side, string>>;
  /** Shown once at creation (partner API key, webhook signing secret): never to appear again. */
  secrets: string[];
}

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

/** Real resources on both sides, made through the API: orders accepted and carried, tickets, notifications. */
export async function buildFixture(t: TestPlatform, clock: SweepClock): Promise<Fixture> {
  const call = (
    token: string | undefined,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
  ) => callWith(t, token, method, url, payload);
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
  const webhook = await ok(
    call(token.ops, 'POST', '/v1/ops/webhooks', {
      partner_name: 'Sweep',
      url: 'http://127.0.0.1:9/sweep',
      events: ['orders.*'],
    }),
    'webhook',
  );
  const partnerKey = await ok(
    call(token.ops, 'POST', '/v1/partners/api-keys', { partner_name: 'Sweep partner' }),
    'api key',
  );
  const spareKey = await ok(
    call(token.ops, 'POST', '/v1/partners/api-keys', { partner_name: 'Spare partner' }),
    'api key',
  );
  const drivers: Record<Side, { token: string; id: string }> = {
    A: { token: token.driver1, id: DEMO_DRIVER_IDS[0] },
    B: { token: token.driver2, id: DEMO_DRIVER_IDS[1] },
  };
  const report = (side: Side) => {
    const at = shops[side].at;
    return ok(
      call(drivers[side].token, 'POST', '/v1/drivers/me/locations', {
        points: [
          { lat: at.lat + 0.004, lng: at.lng, recorded_at: new Date(clock.now()).toISOString() },
        ],
      }),
      'location',
    );
  };
  const customers: Record<Side, string> = { A: token.customerA, B: token.customerB };
  const orders = {} as Record<Side, string>;
  for (const side of ['A', 'B'] as const) {
    await ok(
      call(drivers[side].token, 'PUT', '/v1/drivers/me/shift', { status: 'available' }),
      'shift',
    );
    await report(side);
    const shop = shops[side];
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
  const deliveries = {} as Record<Side, Record<string, unknown>>;
  for (const side of ['A', 'B'] as const) {
    deliveries[side] = await waitFor(
      async () => {
        const r = await call(customers[side], 'GET', `/v1/orders/${orders[side]}/delivery`);
        return r.statusCode === 200 ? (r.json() as Record<string, unknown>) : null;
      },
      15_000,
      'delivery planned',
    );
  }
  // Past the moment the trips are due (the store's preparation time), drivers still reporting.
  clock.advance(15 * 60_000);
  await report('A');
  await report('B');
  await dispatchFor(t.platform.ctx).dispatcher.tick();
  const offers = {} as Record<Side, string>;
  for (const side of ['A', 'B'] as const) {
    const offer = await waitFor(
      async () => {
        const r = await call(drivers[side].token, 'GET', '/v1/dispatch/offers');
        return (r.json() as { items: Array<{ id: string }> }).items[0] ?? null;
      },
      15_000,
      `offer to driver of side ${side}`,
    );
    offers[side] = offer.id;
    await ok(
      call(drivers[side].token, 'POST', `/v1/dispatch/offers/${offer.id}/accept`),
      'offer accept',
    );
  }
  const tickets = {} as Record<Side, string>;
  const notifications = {} as Record<Side, string>;
  const userIds = {} as Record<Side, string>;
  for (const side of ['A', 'B'] as const) {
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
      call(token.ops, 'POST', `/v1/support/tickets/${answered}/resolve`, {
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
  const webhookDelivery = await waitFor(
    async () => {
      const r = await call(token.ops, 'GET', `/v1/ops/webhooks/${idOf(webhook)}/deliveries`);
      return (r.json() as { items: Array<{ id: string }> }).items[0]?.id ?? null;
    },
    15_000,
    'webhook delivery',
  );
  const both = (v: string) => ({ A: v, B: v });
  const sided = (g: (s: Side) => string) => ({ A: g('A'), B: g('B') });
  const bearer = (tk: string) => ({ authorization: `Bearer ${tk}` });
  const callers: Caller[] = [
    { who: 'anonymous', role: null, side: null, headers: {} },
    { who: 'customerA', role: 'customer', side: 'A', headers: bearer(token.customerA) },
    { who: 'customerB', role: 'customer', side: 'B', headers: bearer(token.customerB) },
    { who: 'driver1', role: 'driver', side: 'A', headers: bearer(token.driver1) },
    { who: 'driver2', role: 'driver', side: 'B', headers: bearer(token.driver2) },
    { who: 'storeS', role: 'store', side: 'A', headers: bearer(shops.A.storeToken) },
    { who: 'storeT', role: 'store', side: 'B', headers: bearer(shops.B.storeToken) },
    {
      who: 'partner',
      role: 'partner',
      side: null,
      headers: { 'x-api-key': String(partnerKey.key) },
    },
    { who: 'ops', role: 'ops', side: null, headers: bearer(token.ops) },
  ];
  return {
    callers,
    shops,
    secrets: [String(partnerKey.key), String(webhook.secret)],
    ids: {
      order: orders,
      delivery: sided((s) => String(deliveries[s].id)),
      trip: sided((s) => String(deliveries[s].trip_id)),
      offer: offers,
      store: sided((s) => shops[s].storeId),
      product: sided((s) => shops[s].products[0]?.id ?? ''),
      driver: sided((s) => drivers[s].id),
      user: userIds,
      ticket: tickets,
      notification: notifications,
      webhook: both(idOf(webhook)),
      webhookDelivery: both(webhookDelivery),
      apiKey: both(idOf(spareKey)),
      deadLetter: both('1'),
      category: both('groceries'),
    },
  };
}
