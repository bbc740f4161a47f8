import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CITY, DEMO_STORE_ID, seedDemoCity } from '../../src/cli/demo-city.ts';
import { DEMO_USERS } from '../../src/cli/demo-seed.ts';
import {
  apiCall,
  launchChromium,
  localContext,
  newPage as newTabIn,
  orderTimeline,
  pageWatch,
  signIn as signInTo,
} from '../support/browser.ts';
import { mapMarker, mapStreets, markerAt } from '../support/browser-flows.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// The customer app in a real browser, served by lastmile itself from web/dist: sign in, find an
// address of the demo city and set the pin on its map, shop at a store, pay with a declining card and then a good one (one
// order, one charge), and follow the order live while the store and ops move it over the API.

const CUSTOMER = DEMO_USERS[0].email;

let t: TestPlatform;
let base: string;
let browser: Browser;
let context: BrowserContext;
const watch = pageWatch();
const api = (method: string, path: string, token: string, body?: unknown) =>
  apiCall(base, method, path, token, body);
const newPage = () => newTabIn(context, watch);
const signIn = (page: Page, email: string) => signInTo(page, base, 'customer', email);
const timeline = orderTimeline;

beforeAll(async () => {
  t = await startTestPlatform();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await seedDemoCity(t.platform.ctx, t.platform.databaseUrl);
  await t.tokenFor('customer'); // seeds the demo accounts
  browser = await launchChromium();
  context = await localContext(browser, watch);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.stop();
});

/** A map of a city block and around draws at least this many street lines. */
const STREETS_AT_LEAST = 10;

/**
 * The place screen: an address near `at` found by typing its street and number, picked with the
 * keyboard from the suggestions; the map shows it with the pin on the streets around; a tap
 * beside the pin moves it there and looks up that spot's address.
 */
async function pickAddressNear(page: Page, at: { lat: number; lng: number }): Promise<void> {
  const customer = await t.tokenFor('customer');
  const near = await api('GET', `/v1/places/reverse?lat=${at.lat}&lng=${at.lng}`, customer);
  expect(near.status, JSON.stringify(near.body)).toBe(200);
  const address = near.body as { label: string; street: string; housenumber: string };
  const search = page.getByRole('combobox', { name: 'Search for an address' });
  await search.fill(`${address.street} ${address.housenumber}`);
  await page.getByRole('option', { name: address.label }).waitFor();
  // The list may still be re-ordered by a later answer: move until the address is chosen.
  const option = page.getByRole('listbox').getByRole('option', { name: address.label });
  await expect
    .poll(async () => {
      if ((await option.getAttribute('aria-selected')) === 'true') return true;
      await search.press('ArrowDown');
      return false;
    })
    .toBe(true);
  await search.press('Enter');
  const field = page.getByLabel('Address for the courier');
  expect(await field.inputValue()).toBe(address.label);

  expect(await mapStreets(page)).toBeGreaterThan(STREETS_AT_LEAST);
  const pin = mapMarker(page, 'pin');
  const was = await markerAt(pin);
  const map = page.getByTestId('map');
  if (!was) throw new Error('the pin is not shown');
  await field.fill('');
  await map.click({ position: { x: was.x + 12, y: was.y - 4 } });
  await expect
    .poll(async () => {
      const now = await markerAt(pin);
      return !!now && Math.abs(now.x - was.x - 12) < 1.5 && Math.abs(now.y - was.y + 4) < 1.5;
    })
    .toBe(true);
  await expect.poll(() => field.inputValue()).not.toBe('');
  await page.getByRole('button', { name: 'Deliver here' }).click();
}

describe('the customer app', () => {
  it('shops, survives a declined card, pays once and follows the order live', async () => {
    const page = await newPage();
    await signIn(page, CUSTOMER);
    await page.waitForURL(/\/app\/customer\/place$/);
    const store = await api('GET', `/v1/stores/${DEMO_STORE_ID}`, await t.tokenFor('customer'));
    await pickAddressNear(page, { lat: store.body.lat as number, lng: store.body.lng as number });

    // Nearby stores, soonest first, each with its ETA; the demo store is among them.
    await page.waitForURL(/\/app\/customer\/stores$/);
    await expect
      .poll(() => page.getByTestId('stores').locator('li').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('stores').innerText()).toMatch(/about \d+ min/);
    expect(await page.getByTestId('stores').innerText()).toContain(store.body.name as string);
    await page.locator(`a[href$="/stores/${DEMO_STORE_ID}"]`).click();

    // The store's shelf: add the first product.
    const first = page.getByTestId('product').first();
    await first.waitFor();
    const productName = await first.locator('h2').innerText();
    await first.getByRole('button').click();
    await first.getByText('1 in cart').waitFor();

    // The cart and a declined card: the reason is shown and the form stays for another card.
    await page.getByRole('link', { name: 'Cart' }).click();
    await page.getByTestId('cart-lines').getByText(productName).waitFor();
    await page.getByLabel('Card').selectOption('tok_decline');
    await page.getByRole('button', { name: /^Pay / }).click();
    await expect
      .poll(() => page.getByTestId('declined').textContent(), { timeout: 10_000 })
      .toContain('the bank declined the card');
    await page.getByLabel('Card').selectOption('tok_visa');
    await page.getByRole('button', { name: 'Pay with this card' }).click();
    await page.waitForURL(/\/app\/customer\/orders\/[0-9a-f-]{36}$/);
    const orderId = page.url().split('/').pop() as string;

    // One order for the customer, one authorization at the provider (the declined try charged nothing).
    const customer = await t.tokenFor('customer');
    const orders = await api('GET', '/v1/orders', customer);
    expect((orders.body.items as Array<{ id: string }>).map((o) => o.id)).toEqual([orderId]);
    const payment = await api('GET', `/v1/orders/${orderId}/payment`, customer);
    expect(payment.body.status).toBe('authorized');
    const moves = payment.body.movements as Array<{ kind: string }>;
    expect(moves.filter((mv) => mv.kind === 'authorize')).toHaveLength(1);
    const charges = await sql<{ status: string; n: number }>`
      SELECT status, count(*)::int AS n FROM fakepay_payments WHERE reference = ${orderId}
      GROUP BY status ORDER BY status`.execute(t.platform.ctx.db);
    expect(charges.rows.filter((r) => r.status !== 'declined')).toEqual([
      { status: 'authorized', n: 1 },
    ]);

    // The order page: paid, then each move of the store and ops arrives live, in order.
    const status = page.getByTestId('order-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('authorized');
    // Its map: the store and the door on lastmile's own streets.
    const orderMap = page.getByTestId('order-map');
    expect(await mapStreets(orderMap)).toBeGreaterThan(STREETS_AT_LEAST);
    await mapMarker(orderMap, 'store').waitFor();
    await mapMarker(orderMap, 'destination').waitFor();
    expect(await page.getByTestId('order-eta').innerText()).toMatch(/Arrives between/);
    const storeToken = await t.tokenFor('store');
    const ops = await t.tokenFor('ops');
    const moves2: Array<[string, string, string]> = [
      ['accept', storeToken, 'accepted'],
      ['preparing', storeToken, 'preparing'],
      ['ready', storeToken, 'ready'],
      ['picked-up', ops, 'picked_up'],
      ['delivered', ops, 'delivered'],
    ];
    for (const [action, token, expected] of moves2) {
      // Ops' moves override the courier's: they give a reason (audited).
      const body = token === ops ? { reason: 'the courier app is down' } : {};
      const moved = await api('POST', `/v1/orders/${orderId}/${action}`, token, body);
      expect(moved.status, `${action}: ${JSON.stringify(moved.body)}`).toBe(200);
      await expect
        .poll(() => status.getAttribute('data-status'), { timeout: 10_000 })
        .toBe(expected);
    }
    const seen = await timeline(page);
    const order = ['authorized', 'accepted', 'preparing', 'ready', 'picked_up', 'delivered'];
    expect(seen.filter((s) => order.includes(s as string))).toEqual(order);
    await page.close();
  });

  it("shows another customer's order as not found and nothing of it", async () => {
    const other = await t.tokenFor('customer', 1);
    const products = await api('GET', `/v1/stores/${DEMO_STORE_ID}/products?limit=1`, other);
    const item = (products.body.items as Array<{ product: { id: string; name: string } }>)[0];
    const address = `Secret Lane ${uuidv7().slice(-6)}`;
    const placed = await api('POST', '/v1/orders', other, {
      store_id: DEMO_STORE_ID,
      lines: [{ product_id: item?.product.id, quantity: 1 }],
      delivery: { lat: DEMO_CITY.city.center.lat, lng: DEMO_CITY.city.center.lng, address },
      payment: { card_token: 'tok_visa' },
    });
    expect(placed.status).toBe(201);
    const id = placed.body.id as string;

    const page = await newPage();
    // Still signed in from the first test (the session is the app's, in this browser context).
    await page.goto(`${base}/app/customer/orders/${id}`);
    await page.getByTestId('order-not-found').waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain('This order does not exist or is not yours.');
    for (const secret of [address, item?.product.name ?? '?', id])
      expect(text).not.toContain(secret);
    expect(await page.getByTestId('order-status').count()).toBe(0);

    // A made-up id is no different.
    await page.goto(`${base}/app/customer/orders/not-an-order`);
    await page.getByTestId('order-not-found').waitFor();
    await page.close();
  });

  it('loaded nothing from outside this machine and broke no Content-Security-Policy', () => {
    expect(watch.elsewhere).toEqual([]);
    expect(watch.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([]);
  });
});
