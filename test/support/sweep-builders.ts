import type { LightMyRequestResponse } from 'fastify';
import { dispatchFor } from '../../src/modules/dispatch/index.ts';
import { placesFor } from '../../src/modules/places/index.ts';
import { callAs, type TestPlatform, waitFor } from './platform.ts';
import type { Shop } from './shop.ts';
import type { Side } from './sweep-tenants.ts';

/*
 * The security sweep's fixture builders (test/chaos/security.test.ts): each step makes one kind
 * of real resource on both tenants' sides through the API; sweep-fixture.ts calls them in order.
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

export async function ok(
  res: Promise<LightMyRequestResponse>,
  what: string,
): Promise<Record<string, unknown>> {
  const r = await res;
  if (r.statusCode >= 300) throw new Error(`fixture: ${what} answered ${r.statusCode} ${r.body}`);
  return r.statusCode === 204 ? {} : (r.json() as Record<string, unknown>);
}
export const idOf = (o: Record<string, unknown>) => String(o.id);

export type Call = (
  token: string | undefined,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
) => Promise<LightMyRequestResponse>;

/** Calls on the platform as the given token; a non-GET carries a fresh Idempotency-Key. */
export function sweepCall(t: TestPlatform): Call {
  return (token, method, url, payload) => callAs(t, token, method, url, payload);
}

/** What the fixture's steps share while it is built. */
export interface Build {
  t: TestPlatform;
  clock: SweepClock;
  call: Call;
  shops: Record<Side, Shop>;
  customers: Record<Side, string>;
  drivers: Record<Side, { token: string; id: string }>;
  opsToken: string;
}

const SIDE_NAMES = ['A', 'B'] as const;

/** A webhook subscription and two partner API keys (the second only to be looked at). */
export async function partnerResources(call: Call, opsToken: string) {
  const webhook = await ok(
    call(opsToken, 'POST', '/v1/ops/webhooks', {
      partner_name: 'Sweep',
      url: 'http://127.0.0.1:9/sweep',
      events: ['orders.*'],
      reason: 'security sweep',
    }),
    'webhook',
  );
  const partnerKey = await ok(
    call(opsToken, 'POST', '/v1/partners/api-keys', {
      partner_name: 'Sweep partner',
      reason: 'security sweep',
    }),
    'api key',
  );
  const spareKey = await ok(
    call(opsToken, 'POST', '/v1/partners/api-keys', {
      partner_name: 'Spare partner',
      reason: 'security sweep',
    }),
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
export async function placeOrders(b: Build): Promise<Record<Side, string>> {
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

export async function plannedDeliveries(b: Build, orders: Record<Side, string>) {
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
export async function acceptOffers(b: Build): Promise<Record<Side, string>> {
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
export async function supportResources(b: Build, orders: Record<Side, string>) {
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

/** Each side's customer saves a delivery address. */
export async function savedAddresses(b: Build): Promise<Record<Side, string>> {
  const out = {} as Record<Side, string>;
  for (const side of SIDE_NAMES) {
    const at = b.shops[side].at;
    out[side] = idOf(
      await ok(
        b.call(b.customers[side], 'POST', '/v1/me/addresses', {
          label: 'Home',
          address: 'Sweep Street 1',
          lat: at.lat + 0.01,
          lng: at.lng,
        }),
        'saved address',
      ),
    );
  }
  return out;
}

/** A substitute proposed on each side's order (2 × product 0 short, 1 × product 1 instead). */
export async function proposedSubstitutions(
  b: Build,
  orders: Record<Side, string>,
): Promise<Record<Side, string>> {
  const out = {} as Record<Side, string>;
  for (const side of SIDE_NAMES) {
    const shop = b.shops[side];
    out[side] = idOf(
      await ok(
        b.call(shop.storeToken, 'POST', `/v1/orders/${orders[side]}/substitutions`, {
          product_id: shop.products[0]?.id,
          substitute_product_id: shop.products[1]?.id,
          quantity: 1,
        }),
        'substitution',
      ),
    );
  }
  return out;
}

/**
 * A street and an address where each side's customers live (the sweep's `lat`/`lng`), so the
 * place routes have something to answer. Street data is loaded by an operator (`lastmile places
 * import`), not through the API: the module's import does it here.
 */
export async function streetsAround(b: Build): Promise<void> {
  const features = SIDE_NAMES.flatMap((side) => {
    const { lat, lng } = b.shops[side].at;
    const home: [number, number] = [lng, lat + 0.01];
    return [
      {
        type: 'Feature',
        properties: { name: `Sweepstraße ${side}`, class: 'street' },
        geometry: { type: 'LineString', coordinates: [home, [lng + 0.002, lat + 0.01]] },
      },
      {
        type: 'Feature',
        properties: { street: `Sweepstraße ${side}`, housenumber: '1', postcode: '10115' },
        geometry: { type: 'Point', coordinates: home },
      },
    ];
  });
  const report = await placesFor(b.t.platform.ctx).importCity(
    { key: 'sweep', name: 'Sweep', style: 'de' },
    { type: 'FeatureCollection', features },
  );
  if (!report.ok) throw new Error(`fixture: streets refused ${JSON.stringify(report)}`);
}
