import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverOnShift } from '../../../test/support/drivers.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop, type Shop } from '../../../test/support/shop.ts';
import { firstIllegalMove } from '../../../test/support/tracking-lifecycles.ts';
import { dispatchFor } from '../dispatch/index.ts';
import { driversFor } from '../drivers/index.ts';

/** Whole lifecycles through the API, all at once: each one's store and driver act with no gap. */
const LIFECYCLES = 200;
/**
 * How long a step may take before the test calls the system stuck: a liveness bound, never a
 * timing assertion (200 lifecycles at once on a loaded 2-core CI machine take a while).
 */
const STUCK_MS = 150_000;

let t: TestPlatform;
let customer: string;
beforeAll(async () => {
  t = await startTestPlatform();
  customer = await t.tokenFor('customer');
});
afterAll(async () => {
  await t?.stop();
});

/** Where each driver waits: a few hundred metres from the shop. */
const waitingSpot = (shop: Shop) => ({ lat: shop.at.lat + 0.003, lng: shop.at.lng });
/** An available driver at the waiting spot. */
const driverAt = (shop: Shop) => driverOnShift(t, 'Rush driver', waitingSpot(shop));
/** Drivers not offered their job yet, by id, with where they wait: their phones keep reporting. */
const waiting = new Map<string, { lat: number; lng: number }>();

async function acceptedOrder(shop: Shop): Promise<string> {
  const placed = await t.request({
    method: 'POST',
    url: '/v1/orders',
    token: customer,
    headers: { 'idempotency-key': `rush-${uuidv7()}` },
    payload: {
      store_id: shop.storeId,
      lines: [{ product_id: shop.products[0]?.id, quantity: 1 }],
      delivery: { lat: shop.at.lat + 0.01, lng: shop.at.lng, address: 'Door 19' },
      payment: { card_token: 'tok_visa' },
    },
  });
  expect(placed.statusCode).toBe(201);
  const id = placed.json().id as string;
  const accepted = await t.request({
    method: 'POST',
    url: `/v1/orders/${id}/accept`,
    token: shop.storeToken,
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  return id;
}

/** The driver takes the job as soon as it is offered and walks it through without pausing. */
async function drive(
  orderId: string,
  { id, token }: { id: string; token: string },
  shop: Shop,
): Promise<void> {
  const delivery = await waitFor(
    async () => {
      const r = await t.request({
        method: 'GET',
        url: `/v1/orders/${orderId}/delivery`,
        token: customer,
      });
      return r.statusCode === 200 ? (r.json() as { id: string; pin: string }) : null;
    },
    STUCK_MS,
    'delivery planned',
  );
  // The dispatcher is ticked by one loop for all lifecycles (see the test), not by each of them.
  await waitFor(
    async () => {
      const offers = await t.request({ method: 'GET', url: '/v1/dispatch/offers', token });
      const offer = offers.json().items[0] as { id: string } | undefined;
      if (!offer) return false;
      const r = await t.request({
        method: 'POST',
        url: `/v1/dispatch/offers/${offer.id}/accept`,
        token,
      });
      return r.statusCode === 200;
    },
    STUCK_MS,
    'offer accepted',
  );
  waiting.delete(id);
  const step = (path: string, body: object = {}) =>
    t.request({
      method: 'POST',
      url: `/v1/deliveries/${delivery.id}/${path}`,
      token,
      payload: { lat: shop.at.lat, lng: shop.at.lng, ...body },
    });
  // Each step is taken where the driver's position says they are (the geofence).
  const reportAt = (at: { lat: number; lng: number }) =>
    driversFor(t.platform.ctx).positions.upsert([{ id, ...at, at: t.platform.ctx.clock.now() }]);
  // A report of the waiting spot sent just before the accept may land after this one: report again.
  await waitFor(
    async () => {
      await reportAt(shop.at);
      return (await step('arrived-at-store')).statusCode === 200;
    },
    STUCK_MS,
    'arrived at the store',
  );
  // Refused until dispatch has heard that the store marked it ready: asked again at once.
  await waitFor(async () => (await step('picked-up')).statusCode === 200, STUCK_MS, 'pickup');
  await reportAt({ lat: shop.at.lat + 0.01, lng: shop.at.lng });
  expect((await step('arrived-at-dropoff')).statusCode).toBe(200);
  expect((await step('delivered', { pin: delivery.pin })).statusCode).toBe(200);
}

/** The statuses of the order's log as a client reads them, the snapshot's, and the ETA route's. */
async function readBack(orderId: string) {
  const r = await t.request({
    method: 'GET',
    url: `/v1/orders/${orderId}/tracking`,
    token: customer,
  });
  const body = r.json() as {
    snapshot: { status: string };
    items: Array<{ type: string; status?: string }>;
  };
  const eta = await t.request({ method: 'GET', url: `/v1/orders/${orderId}/eta`, token: customer });
  // Each ETA message's status, with the status of the last status message before it.
  const statuses: string[] = [];
  const etas: Array<{ for: unknown; after: string | undefined }> = [];
  for (const m of body.items) {
    if (m.type === 'status') statuses.push(m.status as string);
    else etas.push({ for: m.status, after: statuses.at(-1) });
  }
  return { statuses, etas, snapshot: body.snapshot.status, eta: eta.json().status as string };
}

describe('tracking streams in a rush', () => {
  it(`${LIFECYCLES} lifecycles at once, store and driver acting with no gap: every stream follows the state machine and REST reads its last status`, async () => {
    // Set up 20 at a time: 200 setups at once only queue on the pool (its 5 s connect wait).
    const lifecycles: Array<{
      shop: Shop;
      driver: Awaited<ReturnType<typeof driverAt>>;
      orderId: string;
    }> = [];
    for (let from = 0; from < LIFECYCLES; from += 20) {
      const batch = Array.from({ length: Math.min(20, LIFECYCLES - from) }, (_, i) => from + i);
      lifecycles.push(
        ...(await Promise.all(
          batch.map(async (n) => {
            const shop = await openShop(t, {
              stock: [5],
              // A shop per lifecycle, 50 km apart: no trip batches two, no driver is offered two.
              lat: 30 + (n % 100) * 0.5,
              lng: 20 + Math.floor(n / 100) * 10,
            });
            const driver = await driverAt(shop);
            return { shop, driver, orderId: await acceptedOrder(shop) };
          }),
        )),
      );
    }
    for (const { shop, driver } of lifecycles) waiting.set(driver.id, waitingSpot(shop));
    // One loop ticks the dispatcher for everyone while the lifecycles run, and the phones of the
    // drivers still waiting report every few seconds: the set-up on a loaded machine can outlast a
    // position's freshness, and a stale driver is offered nothing.
    let running = true;
    const ticker = (async () => {
      let reportedAt = 0;
      while (running) {
        const now = t.platform.ctx.clock.now();
        if (now - reportedAt > 5000 && waiting.size > 0) {
          reportedAt = now;
          await driversFor(t.platform.ctx).positions.upsert(
            [...waiting].map(([id, at]) => ({ id, ...at, at: now })),
          );
        }
        await dispatchFor(t.platform.ctx).dispatcher.tick();
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const driven = Promise.all(
      lifecycles.flatMap(({ shop, driver, orderId }) => [
        t.request({
          method: 'POST',
          url: `/v1/orders/${orderId}/ready`,
          token: shop.storeToken,
          payload: {},
        }),
        drive(orderId, driver, shop),
      ]),
    );
    await driven.finally(() => {
      running = false;
    });
    await ticker;
    for (const { orderId } of lifecycles) {
      const read = await waitFor(
        async () => {
          const x = await readBack(orderId);
          return x.snapshot === 'delivered' ? x : null;
        },
        STUCK_MS,
        'tracking caught up',
      );
      expect(firstIllegalMove(read.statuses), orderId).toBeNull();
      expect(read.statuses.at(-1), orderId).toBe('delivered');
      expect(read.eta, orderId).toBe('delivered');
      // No estimate made for an earlier state is logged after a later one.
      for (const e of read.etas.filter((x) => x.after !== undefined))
        expect(e.for, orderId).toBe(e.after);
    }
  }, 420_000);
});
