import { DEMO_DRIVER_IDS } from '../../src/cli/demo-seed.ts';
import { deadLetterTable } from '../../src/platform/bus/dead-letters.ts';
import { newEvent } from '../../src/platform/bus/event.ts';
import { type TestPlatform, waitFor } from './platform.ts';
import { openShop, type Shop } from './shop.ts';
import {
  acceptOffers,
  type Build,
  idOf,
  partnerResources,
  placeOrders,
  plannedDeliveries,
  proposedSubstitutions,
  savedAddresses,
  streetsAround,
  supportResources,
  sweepCall,
  type SweepClock,
} from './sweep-builders.ts';
import type { Caller, Fixture, Side } from './sweep-tenants.ts';

/**
 * The security sweep's fixture (test/chaos/security.test.ts): the real resources each of the two
 * tenants of sweep-tenants.ts owns, made through the API by the builders of sweep-builders.ts,
 * and the callers that the sweep sends each request as.
 */
/** Real resources on both sides, made through the API: orders accepted and carried, tickets, notifications. */
export async function buildFixture(t: TestPlatform, clock: SweepClock): Promise<Fixture> {
  const call = sweepCall(t);
  const token = {
    customerA: await t.tokenFor('customer', 0),
    customerB: await t.tokenFor('customer', 1),
    driver1: await t.tokenFor('driver', 0),
    driver2: await t.tokenFor('driver', 1),
    // The demo's ops admin, and its ops agent (sweep-rules.ts: refused where a route needs an admin).
    ops: await t.tokenFor('ops'),
    opsAgent: await t.tokenFor('ops', 1),
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
  const substitution = await proposedSubstitutions(b, orders);
  const addresses = await savedAddresses(b);
  await streetsAround(b);
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
  const deadLetter = await aDeadLetter(t, token.ops);
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
      deadLetter: both(deadLetter),
      // Each side's order's payment authorization (the saga's own workflow id for it).
      workflow: sided((s) => `order:${orders[s]}:authorize`),
      category: both('groceries'),
      substitution,
      address: addresses,
    },
  };
}

/** A dead letter for the ops routes to read, replay and discard: a consumer that gave up. */
async function aDeadLetter(t: TestPlatform, ops: string): Promise<string> {
  const event = newEvent('support.ticket_opened', { ticket_id: 'sweep' });
  await deadLetterTable(t.platform.ctx.db)({
    consumer: 'security-sweep',
    event,
    attempts: 5,
    error: 'the sweep made it',
  });
  const res = await t.request({
    method: 'GET',
    url: '/v1/ops/dead-letters?consumer=security-sweep',
    token: ops,
  });
  const id = (res.json() as { items: Array<{ id: number }> }).items[0]?.id;
  if (id === undefined) throw new Error(`the sweep's dead letter: ${res.statusCode} ${res.body}`);
  return String(id);
}

function callersOf(
  token: Record<'customerA' | 'customerB' | 'driver1' | 'driver2' | 'opsAgent' | 'ops', string>,
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
    { who: 'opsAgent', role: 'ops', side: null, headers: bearer(token.opsAgent) },
    { who: 'ops', role: 'ops', side: null, headers: bearer(token.ops) },
  ];
}
