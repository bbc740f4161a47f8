import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, seedDemoCity } from '../../src/cli/demo-city.ts';
import { DEMO_USERS } from '../../src/cli/demo-seed.ts';
import {
  apiCall,
  launchChromium,
  localContext,
  newPage,
  pageWatch,
  signIn,
} from '../support/browser.ts';
import { deliverToAddressNear } from '../support/browser-flows.ts';
import { expectAccessible } from '../support/page-checks.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// What goes wrong between the shelf and the payment, in the customer app: lines whose stock is
// taken away while they sit in the cart (the cart explains one before checkout and Pay waits;
// checkout names one that sold out after the cart read its stock; the customer removes them and
// pays; nothing was charged or held meanwhile), and a store that stops taking orders
// while the customer browses (its page and the cart say so, checkout is refused readably).

let t: TestPlatform;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
const watch = pageWatch();
const api = (method: string, path: string, token: string, body?: unknown) =>
  apiCall(base, method, path, token, body);

interface CartLine {
  product_id: string;
  name: string;
  quantity: number;
}

beforeAll(async () => {
  t = await startTestPlatform();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await seedDemoCity(t.platform.ctx, t.platform.databaseUrl);
  await t.tokenFor('customer'); // seeds the demo accounts
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.stop();
});

/** A customer (demo account `which`) signed in, delivering in Berlin Mitte, on the demo store. */
async function shopper(which: number): Promise<Page> {
  const context = await localContext(browser, watch);
  contexts.push(context);
  const page = await newPage(context, watch);
  await signIn(page, base, 'customer', DEMO_USERS[which]?.email ?? '');
  await page.waitForURL(/\/app\/customer\/place$/);
  await deliverToAddressNear(page, base);
  await page.goto(`${base}/app/customer/stores/${DEMO_STORE_ID}`);
  return page;
}

/** Adds the shelf's `n`th product once. */
async function add(page: Page, n: number): Promise<void> {
  const card = page.getByTestId('product').nth(n);
  await card.getByRole('button').click();
  await card.getByText('1 in cart').waitFor();
}

/** Units of a product the demo store holds for orders and carts (the store's stock view). */
async function reserved(productId: string): Promise<number> {
  const token = await t.tokenFor('store');
  const level = await api('GET', `/v1/stores/${DEMO_STORE_ID}/stock/${productId}`, token);
  expect(level.status).toBe(200);
  return level.body.reserved as number;
}

/** The shelf is counted again: none of the product is left at the demo store. */
async function countOut(productId: string): Promise<void> {
  const counted = await api(
    'PUT',
    `/v1/stores/${DEMO_STORE_ID}/stock/${productId}`,
    await t.tokenFor('store'),
    { on_hand: 0, reason: 'counted on the shelf' },
  );
  expect(counted.status, JSON.stringify(counted.body)).toBe(200);
}

/** The text of what the quantity picker of a line is described by (its stock note). */
async function pickerNote(page: Page, line: Locator): Promise<string | null> {
  const id = await line.getByRole('combobox').getAttribute('aria-describedby');
  return id ? page.locator(`[id="${id}"]`).innerText() : null;
}

describe('checkout in the customer app', () => {
  it('explains a line that sold out in the cart, names one checkout found short, then pays', async () => {
    const page = await shopper(0);
    await add(page, 0);
    await add(page, 1);
    await add(page, 2);
    const customer = await t.tokenFor('customer');
    const cart = await api('GET', '/v1/cart', customer);
    const [gone, late, kept] = cart.body.lines as CartLine[];
    if (!gone || !late || !kept) throw new Error(`three lines: ${JSON.stringify(cart.body)}`);

    // While the cart waits, the first line's product sells out: the cart says so before checkout.
    await countOut(gone.product_id);
    await page.getByRole('link', { name: 'Cart' }).click();
    const lines = page.getByTestId('cart-lines').locator('li');
    const goneLine = lines.filter({ hasText: gone.name });
    await expect.poll(() => goneLine.getAttribute('data-stock')).toBe('sold_out');
    expect(await goneLine.getAttribute('data-short')).toBe('true');
    expect(await pickerNote(page, goneLine)).toBe('Sold out — remove it to check out');
    expect(await lines.filter({ hasText: kept.name }).getAttribute('data-short')).toBe('false');
    // Pay waits and says why; pressing it anyway places nothing (checked below).
    const pay = page.getByRole('button', { name: /^Pay / });
    expect(await pay.getAttribute('aria-disabled')).toBe('true');
    const blocked = page.getByTestId('blocked');
    expect(await blocked.innerText()).toContain(gone.name);
    expect(await blocked.innerText()).not.toContain(kept.name);
    await pay.click({ force: true });
    await expectAccessible(page, 'cart with a sold-out line');

    await page.getByRole('button', { name: `Remove: ${gone.name}` }).click();
    await expect.poll(() => lines.count()).toBe(2);
    expect(await blocked.count()).toBe(0);
    expect(await pay.getAttribute('aria-disabled')).toBe('false');

    // Another line sells out after the cart read its stock: checkout names it, and the cart,
    // read again, says why.
    await countOut(late.product_id);
    await page.getByLabel('Card').selectOption('tok_visa');
    await pay.click();
    const short = page.getByTestId('short');
    await short.waitFor({ timeout: 10_000 });
    expect(await short.innerText()).toContain(late.name);
    expect(await short.innerText()).not.toContain(kept.name);
    const lateLine = lines.filter({ hasText: late.name });
    expect(await lateLine.getAttribute('data-short')).toBe('true');
    await expect.poll(() => pickerNote(page, lateLine)).toBe('Sold out — remove it to check out');
    expect(await pay.getAttribute('aria-disabled')).toBe('true');
    expect(page.url()).toMatch(/\/app\/customer\/cart$/);
    await expectAccessible(page, 'cart with a line checkout found short');

    // Refused whole: no order, no payment, nothing held for it.
    expect((await api('GET', '/v1/orders', customer)).body.items).toEqual([]);
    for (const l of [gone, late, kept]) expect(await reserved(l.product_id)).toBe(0);

    // The customer takes the line out: the notes go, and the rest is paid for.
    await page.getByRole('button', { name: `Remove: ${late.name}` }).click();
    await expect.poll(() => lines.count()).toBe(1);
    expect(await short.count()).toBe(0);
    expect(await blocked.count()).toBe(0);
    await pay.click();
    await page.waitForURL(/\/app\/customer\/orders\/[0-9a-f-]{36}$/);
    const orderId = page.url().split('/').pop() as string;
    const order = await api('GET', `/v1/orders/${orderId}`, customer);
    const ordered = (order.body.lines as CartLine[]).map((l) => [l.product_id, l.quantity]);
    expect(ordered).toEqual([[kept.product_id, 1]]);
    const payment = await api('GET', `/v1/orders/${orderId}/payment`, customer);
    expect(payment.body.status).toBe('authorized');
    expect((await api('GET', '/v1/orders', customer)).body.items).toHaveLength(1);
    expect(await reserved(kept.product_id)).toBe(1);
    expect(await reserved(gone.product_id)).toBe(0);
  });

  it('says so when the store stops taking orders while the customer browses', async () => {
    const page = await shopper(1);
    await add(page, 0);
    expect(await page.getByTestId('store-closed').count()).toBe(0);

    const staff = await t.tokenFor('store');
    const closed = await api('POST', `/v1/stores/${DEMO_STORE_ID}/close`, staff);
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    const name = closed.body.name as string;

    // The next thing the customer does on the store's page brings the news.
    await add(page, 1);
    const notice = page.getByTestId('store-closed');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.innerText()).toBe(`${name} is not taking orders right now.`);

    await page.getByRole('link', { name: 'Cart' }).click();
    await page.getByTestId('cart-lines').locator('li').nth(1).waitFor();
    await page.getByTestId('store-closed').waitFor();
    await page.getByLabel('Card').selectOption('tok_visa');
    await page.getByRole('button', { name: /^Pay / }).click();
    const error = page.getByTestId('checkout').getByTestId('error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.innerText()).toBe(
      'This store is not taking orders right now. Try again later or pick another store.',
    );
    expect(page.url()).toMatch(/\/app\/customer\/cart$/);
    await expectAccessible(page, 'cart of a closed store');
    const customer = await t.tokenFor('customer', 1);
    expect((await api('GET', '/v1/orders', customer)).body.items).toEqual([]);

    await api('POST', `/v1/stores/${DEMO_STORE_ID}/resume`, staff);
  });

  it('loaded nothing from outside this machine and broke no Content-Security-Policy', () => {
    expect(watch.elsewhere).toEqual([]);
    expect(watch.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([]);
  });
});
