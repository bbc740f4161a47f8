import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_STORE_ID } from '../../src/cli/demo-city.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { apiCall, localContext, newPage, type PageWatch } from './browser.ts';
import {
  deliverToAddressNear,
  driverSteps,
  north,
  phoneAt,
  type Point,
  statusIs,
} from './browser-flows.ts';

// One whole order through the apps that stops at each app's main screens once they show
// what they are for. The browser suite checks each screen there (accessibility, layout shift
// while live data arrives); `npm run screenshots` photographs them. Customer and driver are
// phone-sized, the store and the ops console on a desk's screen.

export type AppName = 'customer' | 'driver' | 'store' | 'ops';

export interface ScreenVisitor {
  /** A screen shows what it is for (its data loaded): check it, photograph it. */
  screen(app: AppName, name: string, page: Page): Promise<void>;
  /** Live data is about to arrive on a screen; the function returned runs once it has. */
  live(app: AppName, name: string, page: Page): Promise<() => Promise<void>>;
}

export interface WalkSetup {
  /** Where lastmile serves the apps and the API, with the demo city and accounts seeded. */
  base: string;
  browser: Browser;
  watch: PageWatch;
}

const email = (role: 'customer' | 'driver' | 'store' | 'ops') =>
  DEMO_USERS.find((u) => u.role === role)?.email ?? '';

/** A demo account's bearer token, signed in over the API. */
export async function demoToken(base: string, role: 'customer' | 'store' | 'ops') {
  const res = await fetch(`${base}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: email(role), password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in of the demo ${role}: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The sign-in screen of an app, then signed in as its demo account. */
async function signInThrough(v: ScreenVisitor, app: AppName, page: Page, base: string) {
  await page.goto(`${base}/app/${app}/`);
  await page.waitForURL(new RegExp(`/app/${app}/signin`));
  await page.getByLabel('Email').waitFor();
  await v.screen(app, 'signin', page);
  await page.getByLabel('Email').fill(email(app));
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

interface Walk {
  base: string;
  v: ScreenVisitor;
  customer: Page;
  driver: Page;
  store: Page;
  ops: Page;
  opsToken: string;
  storeAt: Point;
  door: Point;
  steps: ReturnType<typeof driverSteps>;
}

/** The customer: where to deliver, the stores, one store's shelf, the cart; then pays. */
async function customerShops(w: Walk): Promise<string> {
  const page = w.customer;
  await signInThrough(w.v, 'customer', page, w.base);
  await page.waitForURL(/\/app\/customer\/place$/);
  await w.v.screen('customer', 'place', page);
  await deliverToAddressNear(page, w.base, { at: w.door });
  await page.getByTestId('stores').locator('li').first().waitFor();
  await w.v.screen('customer', 'stores', page);
  await page.locator(`a[href$="/stores/${DEMO_STORE_ID}"]`).click();
  const products = page.getByTestId('product');
  await products.nth(2).waitFor();
  await page.locator('#aisle option').nth(1).waitFor({ state: 'attached' });
  for (const i of [0, 2]) {
    await products.nth(i).getByRole('button').click();
    await products.nth(i).getByText('1 in cart').waitFor();
  }
  await w.v.screen('customer', 'store', page);
  await page.getByRole('link', { name: 'Cart' }).click();
  await page.getByTestId('cart-lines').locator('li').nth(1).waitFor();
  await w.v.screen('customer', 'cart', page);

  const queueSettled = await w.v.live('store', 'queue', w.store);
  await page.getByLabel('Card').selectOption('tok_visa');
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.waitForURL(/\/app\/customer\/orders\/[0-9a-f-]{36}$/);
  const orderId = page.url().split('/').pop() as string;
  await w.store.locator(`[data-testid="queue"] li[data-order-id="${orderId}"]`).waitFor();
  await queueSettled();
  await w.v.screen('store', 'queue', w.store);
  return orderId;
}

/** The store opens the order, accepts it, picks it and marks it ready. */
async function storePacks(w: Walk, orderId: string): Promise<void> {
  const page = w.store;
  await page.locator(`[data-testid="queue"] li[data-order-id="${orderId}"] a`).click();
  const status = page.getByTestId('order-status');
  await page.getByRole('button', { name: 'Accept' }).waitFor();
  await w.v.screen('store', 'order-new', page);
  await page.getByRole('button', { name: 'Accept' }).click();
  await statusIs(status, 'accepted');
  await page.getByRole('button', { name: 'Start picking' }).click();
  await page.getByTestId('pick-line').first().waitFor();
  await w.v.screen('store', 'order', page);
  await page.getByRole('button', { name: 'Mark ready' }).click();
  await statusIs(status, 'ready');
}

/** The driver's offer arrives while the shift screen is open; the driver takes it. */
async function driverTakesOffer(w: Walk, offerSettled: () => Promise<void>): Promise<void> {
  const page = w.driver;
  await page.getByTestId('offer').getByRole('button', { name: 'Accept' }).waitFor({
    timeout: 20_000,
  });
  await offerSettled();
  await w.v.screen('driver', 'offer', page);
  await page.getByTestId('offer').getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(/\/app\/driver\/trip$/);
  await page.getByTestId('stops').waitFor();
  await w.v.screen('driver', 'trip', page);
}

async function walkOrder(w: Walk): Promise<string> {
  await signInThrough(w.v, 'store', w.store, w.base);
  await w.store.getByText('No open orders').waitFor({ timeout: 10_000 });

  await signInThrough(w.v, 'driver', w.driver, w.base);
  await w.driver.getByRole('button', { name: 'Go online' }).click();
  await statusIs(w.driver.getByTestId('shift-status'), 'available');
  await w.steps.moveTo(north(w.storeAt, -1.5));
  await w.driver.getByText('Waiting for a job offer').waitFor();
  await w.v.screen('driver', 'shift', w.driver);

  const orderId = await customerShops(w);
  const status = w.customer.getByTestId('order-status');
  await statusIs(status, 'authorized');
  const orderSettled = await w.v.live('customer', 'order', w.customer);
  const offerSettled = await w.v.live('driver', 'offer', w.driver);
  await storePacks(w, orderId);
  await driverTakesOffer(w, offerSettled);
  await w.steps.collect();
  await statusIs(status, 'picked_up');
  await w.customer.getByTestId('order-pin').waitFor();
  await w.v.screen('customer', 'order', w.customer);

  // On the way in two legs: one 600 m jump within seconds is no speed a courier has.
  await w.steps.moveTo(north(w.storeAt, 3));
  await w.steps.moveTo(w.door);
  await w.steps.deliverTo(w.customer);
  await orderSettled();
  return orderId;
}

/** The screens that list what happened: the customer's orders, the driver's day, the store's. */
async function walkAfter(w: Walk): Promise<void> {
  await w.customer.getByRole('link', { name: 'Orders' }).click();
  await w.customer.getByTestId('order-history').locator('li').first().waitFor();
  await w.v.screen('customer', 'orders', w.customer);

  await w.driver.getByRole('link', { name: 'Today' }).click();
  await w.driver.getByTestId('today-deliveries').locator('li[data-status="delivered"]').waitFor();
  await w.v.screen('driver', 'today', w.driver);

  await w.store.getByRole('link', { name: 'Stock' }).click();
  await w.store.getByTestId('stock-row').first().waitFor();
  await w.v.screen('store', 'stock', w.store);
  await w.store.getByRole('link', { name: 'Store', exact: true }).click();
  await w.store.getByTestId('staff').locator('li').first().waitFor();
  await w.v.screen('store', 'settings', w.store);
}

/**
 * Ops refunds part of the order, then finds it in the console, reads its timeline and the log,
 * opens the live map, the platform's health and its settings.
 */
async function opsLooks(w: Walk, orderId: string): Promise<void> {
  const reason = 'Customer reported a crushed egg box';
  const refund = await apiCall(w.base, 'POST', `/v1/orders/${orderId}/refunds`, w.opsToken, {
    amount_minor: 150,
    reason,
  });
  if (refund.status !== 201) throw new Error(`refund: ${refund.status}`);
  const page = w.ops;
  await signInThrough(w.v, 'ops', page, w.base);
  await page.getByTestId('orders').locator('tbody tr').first().waitFor();
  await page.getByLabel('Order id or its first characters').fill(orderId.slice(0, 8));
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator(`tr[data-order-id="${orderId}"]`).waitFor();
  await w.v.screen('ops', 'orders', page);
  await page.getByRole('link', { name: `Timeline of order ${orderId}` }).click();
  await page.getByTestId('timeline').locator('li[data-kind^="refund."]').first().waitFor();
  await page.getByTestId('order-summary').waitFor();
  await w.v.screen('ops', 'timeline', page);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByTestId('audit').getByText(reason).first().waitFor();
  await w.v.screen('ops', 'audit', page);
  // The live map: the courier, still on shift at the door, comes in over its socket.
  const liveSettled = await w.v.live('ops', 'live', page);
  await page.getByRole('link', { name: 'Live map' }).click();
  await page.getByTestId('live-driver').first().waitFor();
  await liveSettled();
  await w.v.screen('ops', 'live', page);
  await page.getByRole('link', { name: 'Health' }).click();
  await page.getByTestId('modules').locator('tr[data-module="orders"]').waitFor();
  await page.getByTestId('chart-requests').locator('rect').first().waitFor();
  await w.v.screen('ops', 'health', page);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Dispatch weights' }).click();
  await page.getByLabel('Travel time to the door').waitFor();
  await w.v.screen('ops', 'settings', page);
}

/** Walks every main screen of the four apps, calling `v` at each. */
export async function walkScreens(s: WalkSetup, v: ScreenVisitor): Promise<void> {
  const ops = await demoToken(s.base, 'ops');
  const shop = await apiCall(s.base, 'GET', `/v1/stores/${DEMO_STORE_ID}`, ops);
  const storeAt = { lat: shop.body.lat as number, lng: shop.body.lng as number };
  const contexts: BrowserContext[] = [];
  const open = async (options: Parameters<Browser['newContext']>[0]) => {
    const c = await localContext(s.browser, s.watch, options);
    contexts.push(c);
    return { context: c, page: await newPage(c, s.watch) };
  };
  try {
    const customer = await open({});
    const store = await open({ viewport: { width: 1280, height: 800 } });
    const driver = await open({
      permissions: ['geolocation'],
      geolocation: phoneAt(north(storeAt, -1.5)),
    });
    const opsApp = await open({ viewport: { width: 1440, height: 900 } });
    const steps = driverSteps({
      base: s.base,
      context: driver.context,
      page: () => driver.page,
      opsToken: () => Promise.resolve(ops),
      store: () => storeAt,
    });
    const w: Walk = {
      base: s.base,
      v,
      customer: customer.page,
      driver: driver.page,
      store: store.page,
      ops: opsApp.page,
      opsToken: ops,
      storeAt,
      door: north(storeAt, 6),
      steps,
    };
    const orderId = await walkOrder(w);
    await walkAfter(w);
    await opsLooks(w, orderId);
  } finally {
    for (const c of contexts) await c.close();
  }
}
