import { sql } from 'kysely';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, seedDemoCity } from '../../src/cli/demo-city.ts';
import { DEMO_DRIVER_IDS, DEMO_USERS } from '../../src/cli/demo-seed.ts';
import {
  apiCall,
  launchChromium,
  localContext,
  newPage,
  followsLive,
  orderTimeline,
  pageWatch,
  signIn,
} from '../support/browser.ts';
import {
  customerOrders,
  driverSteps,
  mapMarker,
  mapStreets,
  markerAt,
  north,
  phoneAt,
  type Point,
} from '../support/browser-flows.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { WHOLE_ORDER } from '../support/tracking-lifecycles.ts';

// The driver app in a real browser beside the customer app: a whole order with the driver's
// position coming from Playwright's geolocation override as it moves along the route (the store
// still moves the order over the API; the courier's marker moves on the customer's map), then a
// trip whose connection drops for ~20 s: positions are queued and sent in order after, and the
// step tapped meanwhile lands once.

const DRIVER = DEMO_USERS.find((u) => u.role === 'driver')?.email ?? '';
const DRIVER_ID = DEMO_DRIVER_IDS[0];

let t: TestPlatform;
let base: string;
let browser: Browser;
let customerCtx: BrowserContext;
let driverCtx: BrowserContext;
let driverPage: Page;
let store: Point;
const watch = pageWatch();
const api = (method: string, path: string, token: string, body?: unknown) =>
  apiCall(base, method, path, token, body);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const { moveTo, takeOffer, collect, deliverTo, handOver, step } = driverSteps({
  get base() {
    return base;
  },
  get context() {
    return driverCtx;
  },
  page: () => driverPage,
  opsToken: () => t.tokenFor('ops'),
  store: () => store,
});

/**
 * The store moves the order to ready over the API (store-app.test.ts does it in its app), each
 * step once the customer's page shows the one before, as people in a store take seconds between
 * them. Moves sent back to back may be handled out of order by the tracking consumer, and its log
 * then skips the overtaken status (it only moves forward).
 */
async function storeGetsReady(orderId: string, shown?: Locator): Promise<void> {
  const token = await t.tokenFor('store');
  const steps = [
    ['accept', 'accepted'],
    ['preparing', 'preparing'],
    ['ready', null],
  ] as const;
  for (const [action, status] of steps) {
    const moved = await api('POST', `/v1/orders/${orderId}/${action}`, token, {});
    expect(moved.status, `${action}: ${JSON.stringify(moved.body)}`).toBe(200);
    if (status && shown) await expect.poll(() => shown.getAttribute('data-status')).toBe(status);
  }
}

beforeAll(async () => {
  t = await startTestPlatform({
    env: { LASTMILE_DISPATCH_STRATEGY: 'greedy', LASTMILE_LOCATION_HISTORY_S: '0' },
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await seedDemoCity(t.platform.ctx, t.platform.databaseUrl);
  const s = await api('GET', `/v1/stores/${DEMO_STORE_ID}`, await t.tokenFor('customer'));
  store = { lat: s.body.lat as number, lng: s.body.lng as number };
  browser = await launchChromium();
  customerCtx = await localContext(browser, watch);
  driverCtx = await localContext(browser, watch, {
    permissions: ['geolocation'],
    geolocation: phoneAt(north(store, -1.5)),
  });
});
afterAll(async () => {
  await customerCtx?.close();
  await driverCtx?.close();
  await browser?.close();
  await t?.stop();
});

describe('the driver app', () => {
  it('takes a whole order to the door while the customer follows it live', async () => {
    driverPage = await newPage(driverCtx, watch);
    await signIn(driverPage, base, 'driver', DRIVER);
    await driverPage.getByRole('button', { name: 'Go online' }).click();
    await expect
      .poll(() => driverPage.getByTestId('shift-status').getAttribute('data-status'))
      .toBe('available');
    await moveTo(north(store, -1.5));

    // Installable: a manifest with its icons, and the service worker that keeps the shell.
    const sw = await driverPage.evaluate<string | undefined>(
      'navigator.serviceWorker.ready.then((r) => r.active?.scriptURL)',
    );
    expect(sw).toBe(`${base}/app/driver/sw.js`);
    const manifest = await driverPage.request.get(`${base}/app/driver/manifest.webmanifest`);
    const icons = ((await manifest.json()) as { icons: Array<{ src: string }> }).icons;
    for (const icon of icons)
      expect((await driverPage.request.get(`${base}${icon.src}`)).status()).toBe(200);

    const door = north(store, 6);
    const customer = await newPage(customerCtx, watch);
    const orderId = await customerOrders(customer, base, door);
    const status = customer.getByTestId('order-status');
    await followsLive(customer, 'authorized');
    await storeGetsReady(orderId, status);

    await takeOffer();
    // The job's map: the store, the door and where the phone is.
    expect(await mapStreets(driverPage)).toBeGreaterThan(10);
    for (const kind of ['store', 'destination', 'driver'])
      await mapMarker(driverPage, kind).waitFor();
    await collect();

    // On the customer's map the courier appears, and moves north with the phone.
    const courier = mapMarker(customer.getByTestId('order-map'), 'driver');
    await courier.waitFor();
    const was = await markerAt(courier);
    await moveTo(north(store, 3));
    await expect
      .poll(async () => (await markerAt(courier))?.y ?? Infinity, { timeout: 10_000 })
      .toBeLessThan((was?.y ?? 0) - 5);
    await moveTo(door);
    await deliverTo(customer);
    // Every status arrived on the customer's page live, each once, in order.
    expect(await orderTimeline(customer)).toEqual(WHOLE_ORDER);

    await driverPage.getByRole('link', { name: 'Today' }).click();
    await driverPage
      .getByTestId('today-deliveries')
      .locator('li[data-status="delivered"]')
      .waitFor();
    const earned = driverPage.getByTestId('earned-today');
    await expect.poll(() => earned.innerText()).toMatch(/€/);
    expect(await earned.innerText()).not.toMatch(/€0\.00/);
    await customer.close();
  });

  it('keeps positions and a step through a 20 s outage and sends them in order after', async () => {
    const customer = await t.tokenFor('customer');
    const products = await api('GET', `/v1/stores/${DEMO_STORE_ID}/products?limit=1`, customer);
    const item = (products.body.items as Array<{ product: { id: string } }>)[0];
    const door = north(store, 4.5);
    const placed = await api('POST', '/v1/orders', customer, {
      store_id: DEMO_STORE_ID,
      lines: [{ product_id: item?.product.id, quantity: 1 }],
      delivery: { ...door, address: 'Probeweg 4' },
      payment: { card_token: 'tok_visa' },
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;
    const storeToken = await t.tokenFor('store');
    for (const action of ['accept', 'preparing'])
      expect((await api('POST', `/v1/orders/${orderId}/${action}`, storeToken, {})).status).toBe(
        200,
      );
    // The app's channel as the browser hears it (a fresh page, so its socket is seen opening).
    const heard: string[] = [];
    driverPage.on('websocket', (ws) =>
      ws.on('framereceived', (f) => typeof f.payload === 'string' && heard.push(f.payload)),
    );
    await driverPage.reload();
    await driverPage.getByRole('link', { name: 'Shift' }).click();
    await takeOffer();
    // At the counter before the bag is packed: the app says so, and hears on its channel when
    // the store marks it ready (its trip is re-read then, not at the next 15 s poll).
    await moveTo(store);
    await step('arrived-at-store').click();
    const packing = driverPage.getByText('The store is still packing this order.');
    await packing.waitFor();
    expect((await api('POST', `/v1/orders/${orderId}/ready`, storeToken, {})).status).toBe(200);
    await expect
      .poll(() => heard.some((f) => f.includes('"order_ready"') && f.includes(orderId)))
      .toBe(true);
    await packing.waitFor({ state: 'detached' });
    await step('picked-up').click();
    await driverPage.locator('[data-kind="dropoff"][data-status="picked_up"]').waitFor();

    // Gone: the phone keeps moving and the driver taps "arrived" at the door.
    const cut = Date.now();
    await driverCtx.setOffline(true);
    await driverPage.getByTestId('connection').waitFor();
    const way = [north(store, 1.5), north(store, 3), door];
    for (const p of way) {
      await driverCtx.setGeolocation(phoneAt(p));
      await sleep(6_000);
    }
    await step('arrived-at-dropoff').click();
    await driverPage.getByTestId('step-queued').waitFor();
    const queued = await driverPage.evaluate<number>(
      "JSON.parse(localStorage.getItem('lastmile.driver.points') ?? '[]').length",
    );
    expect(queued).toBeGreaterThanOrEqual(way.length);
    await sleep(Math.max(0, 20_000 - (Date.now() - cut)));
    const ops = await t.tokenFor('ops');
    const deliveryId = (await api('GET', `/v1/orders/${orderId}/delivery`, ops)).body.id as string;
    expect((await api('GET', `/v1/deliveries/${deliveryId}`, ops)).body.status).toBe('picked_up');

    // Back: the points go first, oldest first, then the step, once.
    await driverCtx.setOffline(false);
    await driverPage.locator('[data-kind="dropoff"][data-status="at_dropoff"]').waitFor({
      timeout: 15_000,
    });
    await expect.poll(() => driverPage.getByTestId('connection').count()).toBe(0);
    // The history is written a second after the upload: wait for every point of the way.
    const arrived = async () => {
      const rows = await sql<{ lat: number; lng: number }>`
        SELECT lat, lng FROM driver_locations
        WHERE driver_id = ${DRIVER_ID} AND recorded_at >= ${new Date(cut)}
        ORDER BY recorded_at`.execute(t.platform.ctx.db);
      return way.map((p) =>
        rows.rows.findIndex(
          (r) => Math.abs(r.lat - p.lat) < 1e-6 && Math.abs(r.lng - p.lng) < 1e-6,
        ),
      );
    };
    await expect.poll(async () => (await arrived()).every((i) => i >= 0)).toBe(true);
    const firstAt = await arrived();
    expect([...firstAt].sort((a, b) => a - b)).toEqual(firstAt);
    expect(await driverPage.evaluate("localStorage.getItem('lastmile.driver.points')")).toBe(null);
    const delivery = await api('GET', `/v1/deliveries/${deliveryId}`, ops);
    const arrivals = (delivery.body.steps as Array<{ status: string }>).filter(
      (s) => s.status === 'at_dropoff',
    );
    expect(arrivals).toHaveLength(1);

    const pin = (await api('GET', `/v1/orders/${orderId}/delivery`, customer)).body.pin as string;
    await handOver(pin);
  });

  it('loaded nothing from outside this machine and broke no Content-Security-Policy', () => {
    expect(watch.elsewhere).toEqual([]);
    expect(watch.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([]);
  });
});
