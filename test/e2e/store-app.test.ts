import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, seedDemoCity } from '../../src/cli/demo-city.ts';
import { DEMO_USERS } from '../../src/cli/demo-seed.ts';
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
  north,
  phoneAt,
  type Point,
} from '../support/browser-flows.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { WHOLE_ORDER } from '../support/tracking-lifecycles.ts';

// The store app in a real browser: a whole order through the three apps only (the customer
// orders and pays, the store sees it arrive live and packs it, the driver brings it), a short
// line with a substitute the customer answers, an order left waiting too long and rejected, a
// stock CSV with a bad line, and a store pausing while a customer is about to pay.

const STORE = DEMO_USERS.find((u) => u.role === 'store')?.email ?? '';
const DRIVER = DEMO_USERS.find((u) => u.role === 'driver')?.email ?? '';

let t: TestPlatform;
let base: string;
let browser: Browser;
let customerCtx: BrowserContext;
let storeCtx: BrowserContext;
let driverCtx: BrowserContext;
let storePage: Page;
let driverPage: Page;
let store: Point;
interface Product {
  id: string;
  sku: string;
  price: { amount_minor: number };
}
const watch = pageWatch();
const api = (method: string, path: string, token: string, body?: unknown) =>
  apiCall(base, method, path, token, body);
const driver = driverSteps({
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

beforeAll(async () => {
  t = await startTestPlatform({
    env: {
      LASTMILE_DISPATCH_STRATEGY: 'greedy',
      LASTMILE_LOCATION_HISTORY_S: '0',
      // Waiting too long after two thirds of it (10 s): the queue's highlight within a test.
      LASTMILE_ACCEPT_TIMEOUT_S: '15',
    },
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await seedDemoCity(t.platform.ctx, t.platform.databaseUrl);
  const s = await api('GET', `/v1/stores/${DEMO_STORE_ID}`, await t.tokenFor('customer'));
  store = { lat: s.body.lat as number, lng: s.body.lng as number };
  browser = await launchChromium();
  customerCtx = await localContext(browser, watch);
  storeCtx = await localContext(browser, watch, { viewport: { width: 1200, height: 900 } });
  driverCtx = await localContext(browser, watch, {
    permissions: ['geolocation'],
    geolocation: phoneAt(north(store, -1.5)),
  });
});
afterAll(async () => {
  for (const c of [customerCtx, storeCtx, driverCtx]) await c?.close();
  await browser?.close();
  await t?.stop();
});

/** The store app packs the order: open it from the queue, accept, pick, mark ready. */
async function storePacks(orderId: string): Promise<void> {
  const row = storePage.locator(`[data-testid="queue"] li[data-order-id="${orderId}"]`);
  await row.waitFor({ timeout: 10_000 });
  expect(await row.getAttribute('data-status')).toBe('authorized');
  // Announced as a new paid order (the beep and the notification go with it).
  await expect.poll(() => storePage.getByTestId('alerts').getAttribute('data-alerts')).toBe('1');
  await row.getByRole('link', { name: 'Open' }).click();
  const status = storePage.getByTestId('order-status');
  await storePage.getByRole('button', { name: 'Accept' }).click();
  await expect.poll(() => status.getAttribute('data-status')).toBe('accepted');
  await storePage.getByRole('button', { name: 'Start picking' }).click();
  const lines = storePage.getByTestId('pick-line');
  await lines.first().waitFor();
  expect(await lines.count()).toBeGreaterThan(0);
  await storePage.getByRole('button', { name: 'Mark ready' }).click();
  await expect.poll(() => status.getAttribute('data-status')).toBe('ready');
}

describe('the store app', () => {
  it('takes an order from the customer app through the store app to the driver app', async () => {
    storePage = await newPage(storeCtx, watch);
    await signIn(storePage, base, 'store', STORE);
    await storePage.getByText('No open orders').waitFor({ timeout: 10_000 });

    driverPage = await newPage(driverCtx, watch);
    await signIn(driverPage, base, 'driver', DRIVER);
    await driverPage.getByRole('button', { name: 'Go online' }).click();
    await driver.moveTo(north(store, -1.5));

    const door = north(store, 6);
    const customer = await newPage(customerCtx, watch);
    const orderId = await customerOrders(customer, base, door);
    await followsLive(customer, 'authorized');

    await storePacks(orderId);
    await driver.takeOffer();
    await driver.collect();
    await driver.moveTo(door);
    await driver.deliverTo(customer);
    expect(await orderTimeline(customer)).toEqual(WHOLE_ORDER);
    // Handed over: the order left the store's queue.
    await storePage.getByRole('link', { name: 'Orders' }).click();
    await storePage.getByText('No open orders').waitFor();
    await customer.close();
  });

  it('picks a short line, proposes a substitute and sees the answer live', async () => {
    const customer = await t.tokenFor('customer');
    const shelf = await api('GET', `/v1/stores/${DEMO_STORE_ID}/products?limit=20`, customer);
    const items = shelf.body.items as Array<{ available: number; product: Product }>;
    // A line and a cheaper substitute: the payment authorized covers the swap.
    const byPrice = items
      .filter((i) => i.available >= 5)
      .map((i) => i.product)
      .sort((x, y) => y.price.amount_minor - x.price.amount_minor);
    const [a, b] = [byPrice[0], byPrice[byPrice.length - 1]];
    const placed = await api('POST', '/v1/orders', customer, {
      store_id: DEMO_STORE_ID,
      lines: [{ product_id: a?.id, quantity: 2 }],
      delivery: { ...north(store, 4), address: 'Probeweg 4' },
      payment: { card_token: 'tok_visa' },
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;

    await storePage.getByRole('link', { name: 'Orders' }).click();
    await storePage.locator(`[data-testid="queue"] li[data-order-id="${orderId}"] a`).click();
    await storePage.getByRole('button', { name: 'Accept' }).click();
    await storePage.getByRole('button', { name: 'Start picking' }).click();
    const line = storePage.locator(`[data-testid="pick-line"][data-sku="${a?.sku}"]`);
    await line.getByRole('spinbutton').fill('1');
    expect(await line.getAttribute('data-short')).toBe('true');
    await line.getByLabel('Substitute product').selectOption(b?.id ?? '');
    await line.getByLabel('Units of the substitute').fill('1');
    await line.getByRole('button', { name: 'Propose' }).click();
    const subs = storePage.getByTestId('substitutions');
    await subs
      .locator('li[data-status="proposed"]')
      .waitFor({ timeout: 10_000 })
      .catch(async (err: unknown) => {
        throw new Error(`${String(err)}\n${await storePage.locator('main').innerText()}`);
      });

    // The customer (signed in from the first test) sees the proposal live on the order's page
    // and says yes there: the store's screen shows the answer without a reload.
    const shopper = await newPage(customerCtx, watch);
    await shopper.goto(`${base}/app/customer/orders/${orderId}`);
    const offer = shopper.locator(`[data-testid="substitute"][data-status="proposed"]`);
    await offer.getByText(/^Answer within \d+:\d\d$/).waitFor({ timeout: 10_000 });
    await offer.getByText(/^Instead of 1 × /).waitFor();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await shopper
      .locator('[data-testid="substitute"][data-status="accepted"]')
      .getByText('Accepted: it joins your order')
      .waitFor({ timeout: 10_000 });
    await shopper.close();
    await subs.locator('li[data-status="accepted"]').waitFor({ timeout: 10_000 });
    await storePage.locator(`[data-testid="pick-line"][data-sku="${b?.sku}"]`).waitFor();

    await storePage.getByRole('button', { name: 'Mark ready' }).click();
    await expect
      .poll(() => storePage.getByTestId('order-status').getAttribute('data-status'))
      .toBe('ready');
    const order = await api('GET', `/v1/orders/${orderId}`, customer);
    const lines = order.body.lines as Array<{ product_id: string; picked_quantity: number }>;
    expect(lines.find((l) => l.product_id === a?.id)?.picked_quantity).toBe(1);
    expect(lines.find((l) => l.product_id === b?.id)?.picked_quantity).toBe(1);
  });

  it('marks an order waiting too long, and rejects it with a reason', async () => {
    const customer = await t.tokenFor('customer');
    const shelf = await api('GET', `/v1/stores/${DEMO_STORE_ID}/products?limit=1`, customer);
    const item = (shelf.body.items as Array<{ product: Product }>)[0]?.product;
    const placed = await api('POST', '/v1/orders', customer, {
      store_id: DEMO_STORE_ID,
      lines: [{ product_id: item?.id, quantity: 1 }],
      delivery: { ...north(store, 4), address: 'Probeweg 4' },
      payment: { card_token: 'tok_visa' },
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;

    await storePage.getByRole('link', { name: 'Orders' }).click();
    const row = storePage.locator(`[data-testid="queue"] li[data-order-id="${orderId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-waiting')).toBe('false');
    await expect.poll(() => row.getAttribute('data-waiting'), { timeout: 15_000 }).toBe('true');
    expect(await row.getByTestId('waiting').innerText()).toBe('Waiting too long');

    await row.getByRole('link', { name: 'Open' }).click();
    await storePage.getByLabel('Reason to reject').fill('Out of bags today');
    await storePage.getByRole('button', { name: 'Reject' }).click();
    await expect
      .poll(() => storePage.getByTestId('order-status').getAttribute('data-status'))
      .toBe('canceled');
    const order = await api('GET', `/v1/orders/${orderId}`, customer);
    expect(order.body.reason).toContain('Out of bags today');
    // Rejected: it left the queue.
    await storePage.getByRole('link', { name: 'Orders' }).click();
    await storePage.getByTestId('queue').waitFor();
    await expect.poll(() => row.count()).toBe(0);
  });

  it('imports a stock CSV: the good lines land, the bad one is shown with its line', async () => {
    const token = await t.tokenFor('store');
    const shelf = await api('GET', `/v1/stores/${DEMO_STORE_ID}/products?limit=2`, token);
    const [a, b] = (shelf.body.items as Array<{ product: { id: string; sku: string } }>).map(
      (i) => i.product,
    );
    const csv = `sku,on_hand\n${a?.sku},37\nNO-SUCH-SKU,5\n${b?.sku},41\n`;
    await storePage.getByRole('link', { name: 'Stock' }).click();
    await storePage.getByLabel('CSV file').setInputFiles({
      name: 'stock.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await storePage.getByRole('button', { name: 'Import' }).click();
    const result = storePage.getByTestId('import-result');
    await result.waitFor();
    expect(await result.innerText()).toBe('2 lines imported, 1 with errors.');
    const errors = storePage.getByTestId('import-errors').locator('li');
    expect(await errors.count()).toBe(1);
    expect(await errors.first().innerText()).toMatch(/^Line 3: \S/);
    expect(
      await storePage.getByTestId('import-progress').locator('progress').getAttribute('value'),
    ).toBe('3');
    for (const [p, n] of [
      [a, 37],
      [b, 41],
    ] as const) {
      const level = await api('GET', `/v1/stores/${DEMO_STORE_ID}/stock/${p?.id}`, token);
      expect(level.body.on_hand).toBe(n);
    }
  });

  it("refuses a paused store's checkout readably, and takes orders again once resumed", async () => {
    const customer = await newPage(customerCtx, watch);
    // Signed in and placed from the first test: straight to the store's shelf.
    await customer.goto(`${base}/app/customer/stores/${DEMO_STORE_ID}`);
    const first = customer.getByTestId('product').first();
    await first.getByRole('button').click();
    await first.getByText('1 in cart').waitFor();
    await customer.getByRole('link', { name: 'Cart' }).click();

    await storePage.getByRole('link', { name: 'Store', exact: true }).click();
    await storePage.getByRole('button', { name: 'Pause orders' }).click();
    await expect
      .poll(() => storePage.getByTestId('store-status').getAttribute('data-status'))
      .toBe('paused');

    await customer.getByLabel('Card').selectOption('tok_visa');
    await customer.getByRole('button', { name: /^Pay / }).click();
    const error = customer.getByTestId('checkout').getByTestId('error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.innerText()).toMatch(/not taking orders right now/);
    expect(customer.url()).toMatch(/\/app\/customer\/cart$/);

    await storePage.getByRole('button', { name: 'Resume orders' }).click();
    await expect
      .poll(() => storePage.getByTestId('store-status').getAttribute('data-status'))
      .toBe('open');
    expect(await storePage.getByTestId('staff').innerText()).toContain(STORE);
    await customer.close();
  });

  it('loaded nothing from outside this machine and broke no Content-Security-Policy', () => {
    expect(watch.elsewhere).toEqual([]);
    expect(watch.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([]);
  });
});
