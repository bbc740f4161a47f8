import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, seedDemoCity } from '../../src/cli/demo-city.ts';
import { DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { placesFor } from '../../src/modules/places/index.ts';
import {
  apiCall,
  launchChromium,
  localContext,
  newPage,
  pageWatch,
  signIn,
} from '../support/browser.ts';
import { mapMarker, mapStreets, north, type Point } from '../support/browser-flows.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../support/platform.ts';

// The customer app's screens around shopping and an order, in a real browser: the place screen
// before a point is chosen (a served city's streets, a select of the cities), each nearby
// store's fee, a product page (from the shelf and from search) filling the cart, a sold-out
// product explained, saved addresses (save, make default, rename, delete, the account's limit)
// and paying to one, then on the order's page a support request answered by ops, canceling,
// and on a delivered order (moved by the API as the store and the courier) the rating, the final
// receipt, a refund request and the refund made, and the order history.

const CUSTOMER = DEMO_USERS[0].email;
const SHOP = `/v1/stores/${DEMO_STORE_ID}`;

let t: TestPlatform;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let store: Point;
let customer: string;
/** The order paid to a saved address, then canceled. */
let savedOrder = '';
const watch = pageWatch();
const api = (method: string, path: string, token: string, body?: unknown) =>
  apiCall(base, method, path, token, body);
const app = (path: string) => `${base}/app/customer${path}`;
const door = () => north(store, 4);
const office = () => north(store, 2);
const euro = (minor: number) =>
  new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(minor / 100);

/** A second served city, far from the demo's and without stores. */
const TESTBURG = {
  key: 'testburg',
  name: 'Testburg',
  style: 'de',
  center: { lat: 50.1, lng: 10.1 },
} as const;

/** Testburg's streets: three arterials each way across its centre, 200 m apart. */
function testburgStreets() {
  const { lat, lng } = TESTBURG.center;
  const dLat = 200 / 111_195;
  const dLng = dLat / Math.cos((lat * Math.PI) / 180);
  const line = (name: string, from: number[], to: number[]) => ({
    type: 'Feature',
    properties: { name, class: 'arterial' },
    geometry: { type: 'LineString', coordinates: [from, to] },
  });
  const features = [-1, 0, 1].flatMap((i) => [
    line(`Querstraße ${i + 2}`, [lng - 2 * dLng, lat + i * dLat], [lng + 2 * dLng, lat + i * dLat]),
    line(`Längsweg ${i + 2}`, [lng + i * dLng, lat - 2 * dLat], [lng + i * dLng, lat + 2 * dLat]),
  ]);
  return { type: 'FeatureCollection', features };
}

/** Where the app delivers, as its place screen keeps it (that screen is not this suite's). */
const deliverTo = (label: string, at: Point) =>
  page.evaluate(
    `localStorage.setItem('lastmile.customer.place', ${JSON.stringify(JSON.stringify({ label, ...at }))})`,
  );

beforeAll(async () => {
  t = await startTestPlatform({
    env: { LASTMILE_DISPATCH_STRATEGY: 'greedy', LASTMILE_LOCATION_HISTORY_S: '0' },
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await seedDemoCity(t.platform.ctx, t.platform.databaseUrl);
  const imported = await placesFor(t.platform.ctx).importCity(TESTBURG, testburgStreets());
  expect(imported).toMatchObject({ ok: true, streets: 6 });
  customer = await t.tokenFor('customer');
  const s = await api('GET', SHOP, customer);
  store = { lat: s.body.lat as number, lng: s.body.lng as number };
  browser = await launchChromium();
  context = await localContext(browser, watch);
  page = await newPage(context, watch);
  await signIn(page, base, 'customer', CUSTOMER);
  await page.waitForURL(/\/app\/customer\/place$/);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.stop();
});

/** The courier's phone: each position reported at a time that makes the move a possible one. */
function courierPhone(token: string) {
  let last: { at: number; p: Point } | null = null;
  return async (p: Point) => {
    const metres = last
      ? Math.hypot(p.lat - last.p.lat, (p.lng - last.p.lng) * Math.cos((p.lat * Math.PI) / 180)) *
        111_195
      : 0;
    const at = Math.max(Date.now(), (last?.at ?? 0) + 1000 + (metres / 40) * 1000);
    const res = await api('POST', '/v1/drivers/me/locations', token, {
      points: [{ ...p, accuracy_m: 5, recorded_at: new Date(at).toISOString() }],
    });
    expect(res.body.accepted, JSON.stringify(res.body)).toBe(1);
    last = { at, p };
  };
}

describe('the customer app around an order', () => {
  it('opens the place screen on a served city, its streets drawn, before a point is chosen', async () => {
    // No delivery place yet: the city with the most stores (Berlin's 8 demo ones), not Testburg.
    expect(await mapStreets(page)).toBeGreaterThan(10);
    expect(await mapMarker(page, 'pin').count()).toBe(0);
    const city = page.getByLabel('City');
    expect(await city.inputValue()).toBe('berlin');
    expect(await city.locator('option').allInnerTexts()).toEqual(['Berlin', 'Testburg']);
    await mapMarker(page, 'store').first().waitFor({ timeout: 10_000 });
    // The other city: the map moves there and draws its six streets, still without a pin.
    await city.selectOption('testburg');
    const lines = page.getByTestId('map').locator('path.street, path.arterial');
    await expect.poll(() => lines.count(), { timeout: 10_000 }).toBe(6);
    expect(await mapMarker(page, 'pin').count()).toBe(0);
    // With a place kept from before, the city shown is the one nearest it.
    await deliverTo('Querstraße 2', north(TESTBURG.center, 1));
    await page.reload();
    await expect.poll(() => page.getByLabel('City').inputValue()).toBe('testburg');
    await mapMarker(page, 'pin').waitFor();
    // Two of its streets cross the pin's block.
    expect(await mapStreets(page)).toBeGreaterThanOrEqual(2);
  });

  it("shows each store's fee; a product page from the shelf and from search fills the cart", async () => {
    await deliverTo('Probeweg 4', door());
    await page.goto(app('/stores'));
    const link = page.locator(`a[href$="/stores/${DEMO_STORE_ID}"]`);
    const card = page.getByTestId('stores').locator('li', { has: link });
    await expect
      .poll(() => card.getByTestId('store-fee').textContent(), { timeout: 10_000 })
      .toBe(`${euro(299)} delivery · small-order fee below ${euro(1500)}`);
    expect(await card.innerText()).toMatch(/about \d+ min/);
    await link.click();

    // A product card leads to its page: what it is, its price, what is left, the limit.
    const first = page.getByTestId('product').first();
    const name = await first.locator('h2').innerText();
    await first.locator('h2 a').click();
    await page.waitForURL(/\/products\/[0-9a-f-]{36}$/);
    const productId = page.url().split('/').pop() as string;
    await expect.poll(() => page.locator('h1').innerText()).toBe(name);
    const one = await api('GET', `${SHOP}/products/${productId}`, customer);
    const product = one.body.product as { price: { amount_minor: number }; weight_g: number };
    expect(await page.getByTestId('product-price').innerText()).toBe(
      euro(product.price.amount_minor),
    );
    expect(await page.getByTestId('product-stock').innerText()).toBe(
      `${one.body.available as number} left at this store`,
    );
    expect(await page.getByTestId('product-weight').count()).toBe(product.weight_g ? 1 : 0);
    expect(await page.getByTestId('product-limit').innerText()).toBe('At most 99 per order');
    await page.getByLabel('Quantity').selectOption('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByTestId('product-in-cart').getByText('2 in your cart').waitFor();

    // Found again by searching the store: the same page, knowing what the cart holds.
    await page.getByRole('link', { name: /^Back to / }).click();
    await page.getByLabel('Search this store').fill(name);
    await page.getByLabel('Search this store').press('Enter');
    await page.waitForURL(/\?q=/);
    await page.getByTestId('products').getByRole('link', { name, exact: true }).first().click();
    await page.waitForURL(new RegExp(`/products/${productId}$`));
    await page.getByTestId('product-in-cart').getByText('2 in your cart').waitFor();
    await page.getByRole('button', { name: 'Update cart' }).waitFor();

    // A product the store has none of now: said so, and nothing to add.
    const shelf = await api('GET', `${SHOP}/products?limit=5`, customer);
    const other = (shelf.body.items as Array<{ product: { id: string } }>)
      .map((i) => i.product.id)
      .find((id) => id !== productId);
    const counted = await api('PUT', `${SHOP}/stock/${other}`, await t.tokenFor('store'), {
      on_hand: 0,
      reason: 'counted out',
    });
    expect(counted.status).toBe(200);
    await page.goto(app(`/stores/${DEMO_STORE_ID}/products/${other}`));
    await expect
      .poll(() => page.getByTestId('product-stock').textContent())
      .toMatch(/^Sold out at this store for now/);
    expect(await page.getByRole('button', { name: 'Add to cart' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Cart' }).click();
    const line = page.getByTestId('cart-lines').locator('li', { hasText: name });
    await expect.poll(() => line.getByRole('combobox').inputValue()).toBe('2');
  });

  it('saves addresses, makes one the default, renames and deletes, and pays to one', async () => {
    await page.getByRole('link', { name: 'Addresses' }).click();
    await page.getByText('No saved addresses yet.').waitFor();
    const save = async (label: string) => {
      await page.getByLabel('Name', { exact: true }).fill(label);
      await page.getByRole('button', { name: 'Save address' }).click();
    };
    const saved = (label: string) => page.locator(`[data-testid="address"][data-label="${label}"]`);
    await save('Home');
    // The first address saved is the default.
    await expect.poll(() => saved('Home').getAttribute('data-default')).toBe('true');
    expect(await saved('Home').innerText()).toContain('Probeweg 4');

    await deliverTo('Torstraße 9', office());
    await page.reload();
    await expect
      .poll(() => page.getByLabel('Address for the courier').inputValue())
      .toBe('Torstraße 9');
    await save('Work');
    await expect.poll(() => saved('Work').getAttribute('data-default')).toBe('false');
    await saved('Work').getByRole('button', { name: 'Make default' }).click();
    await expect.poll(() => saved('Work').getAttribute('data-default')).toBe('true');
    await expect.poll(() => saved('Home').getAttribute('data-default')).toBe('false');
    await saved('Work').getByRole('button', { name: 'Rename' }).click();
    await saved('Work').getByLabel('Name').fill('Office');
    await saved('Work').getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => saved('Office').getAttribute('data-default')).toBe('true');
    await page.getByRole('button', { name: 'Delete Home' }).click();
    await saved('Home').waitFor({ state: 'detached' });

    // At the account's limit, one more is refused in words.
    for (let i = 0; i < 19; i++) {
      const res = await api('POST', '/v1/me/addresses', customer, {
        label: `Spare ${i}`,
        address: 'Spare street 1',
        ...door(),
      });
      expect(res.status).toBe(201);
    }
    await page.reload();
    await save('One too many');
    await expect
      .poll(() => page.getByTestId('error').textContent())
      .toBe('You have saved as many addresses as an account may keep. Delete one to save another.');
    const all = await api('GET', '/v1/me/addresses', customer);
    for (const a of all.body.items as Array<{ id: string; label: string }>)
      if (a.label.startsWith('Spare')) await api('DELETE', `/v1/me/addresses/${a.id}`, customer);

    // Checkout from elsewhere, to the saved address.
    await deliverTo('Probeweg 4', door());
    await page.goto(app('/cart'));
    await page.getByLabel('Deliver to').selectOption({ label: 'Office: Torstraße 9' });
    expect(await page.getByLabel('Address for the courier').count()).toBe(0);
    await page.getByLabel('Card').selectOption('tok_visa');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(/\/app\/customer\/orders\/[0-9a-f-]{36}$/);
    savedOrder = page.url().split('/').pop() as string;
    const order = await api('GET', `/v1/orders/${savedOrder}`, customer);
    expect(order.body.delivery).toMatchObject({ address: 'Torstraße 9', ...office() });
  });

  it('sends a request to support, shows its answer, and cancels the order', async () => {
    const status = page.getByTestId('order-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('authorized');
    const receipt = page.getByTestId('receipt');
    await expect.poll(() => receipt.getAttribute('data-final')).toBe('false');
    expect(await receipt.innerText()).toContain('Provisional: nothing is charged until delivery.');

    const support = page.getByTestId('support');
    await support.getByLabel('Subject').fill('Ring the side door');
    await support.getByLabel('What happened?').fill('The front bell is broken.');
    await support.getByRole('button', { name: 'Send to support' }).click();
    const ticket = support.getByTestId('ticket').filter({ hasText: 'Ring the side door' });
    await expect.poll(() => ticket.getByTestId('ticket-status').textContent()).toBe('Open');
    const listed = await api('GET', `/v1/support/tickets?order_id=${savedOrder}`, customer);
    const [opened] = listed.body.items as Array<{ id: string; order_id: string }>;
    expect(opened?.order_id).toBe(savedOrder);
    const ops = await t.tokenFor('ops');
    const answer = 'The courier will use the side door.';
    const resolved = await api('POST', `/v1/support/tickets/${opened?.id}/resolve`, ops, {
      resolution: answer,
    });
    expect(resolved.status).toBe(200);
    await page.reload();
    await expect.poll(() => ticket.getByTestId('ticket-status').textContent()).toBe('Resolved');
    expect(await ticket.innerText()).toContain(`Answer: ${answer}`);

    await page.getByTestId('cancel').locator('summary').click();
    await page.getByLabel('Why? (optional)').fill('Ordered by mistake');
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await expect.poll(() => status.getAttribute('data-status')).toBe('canceled');
    await page.getByTestId('cancel').waitFor({ state: 'detached' });
    // The payment released, the receipt is final (read again until it is).
    await expect.poll(() => receipt.getAttribute('data-final'), { timeout: 20_000 }).toBe('true');
    expect((await api('GET', `/v1/orders/${savedOrder}`, customer)).body.status).toBe('canceled');
  });

  it('rates the courier, shows the final receipt, asks for a refund and shows it', async () => {
    // The courier is on shift near the store before the order is placed, so the job is offered.
    const courier = await t.tokenFor('driver');
    const at = courierPhone(courier);
    expect(
      (await api('PUT', '/v1/drivers/me/shift', courier, { status: 'available' })).status,
    ).toBe(200);
    await at(north(store, -1));
    const shelf = await api('GET', `${SHOP}/products?limit=20`, customer);
    const item = (
      shelf.body.items as Array<{ product: { id: string; age_restricted: boolean } }>
    ).find((i) => !i.product.age_restricted);
    const placed = await api('POST', '/v1/orders', customer, {
      store_id: DEMO_STORE_ID,
      lines: [{ product_id: item?.product.id, quantity: 1 }],
      delivery: { ...door(), address: 'Probeweg 4' },
      payment: { card_token: 'tok_visa' },
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;
    await page.goto(app(`/orders/${orderId}`));
    const status = page.getByTestId('order-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('authorized');

    // The store packs it; the courier takes the job and brings it.
    const staff = await t.tokenFor('store');
    for (const [step, body] of [['accept'], ['preparing'], ['ready', { picked: [] }]] as const) {
      const moved = await api('POST', `/v1/orders/${orderId}/${step}`, staff, body ?? {});
      expect(moved.status, `${step}: ${JSON.stringify(moved.body)}`).toBe(200);
    }
    const offer = await waitFor(
      async () =>
        ((await api('GET', '/v1/dispatch/offers', courier)).body.items as Array<{ id: string }>)[0],
      20_000,
      'an offer to the courier',
    );
    const trip = await api('POST', `/v1/dispatch/offers/${offer.id}/accept`, courier);
    expect(trip.status).toBe(200);
    const [delivery] = trip.body.deliveries as Array<{ id: string }>;
    const step = async (name: string, where: Point, extra: object = {}) => {
      const res = await api('POST', `/v1/deliveries/${delivery?.id}/${name}`, courier, {
        ...where,
        ...extra,
      });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(200);
    };
    await at(store);
    await step('arrived-at-store', store);
    await step('picked-up', store);
    await at(door());
    await step('arrived-at-dropoff', door());
    // The PIN the customer's page shows is the one the courier needs.
    const pin = await page.getByTestId('order-pin').innerText();
    await step('delivered', door(), { pin });
    await expect.poll(() => status.getAttribute('data-status')).toBe('delivered');

    const rating = page.getByTestId('rating');
    await rating.getByRole('button', { name: '5 of 5 stars' }).click();
    await expect.poll(() => rating.getAttribute('data-rating')).toBe('5');
    expect(await rating.innerText()).toContain('You rated this delivery 5 of 5.');
    expect((await api('GET', '/v1/drivers/me', courier)).body.rating).toBe(5);

    const receipt = page.getByTestId('receipt');
    await expect.poll(() => receipt.getAttribute('data-final'), { timeout: 20_000 }).toBe('true');
    const charged = (await api('GET', `/v1/orders/${orderId}/receipt`, customer)).body;
    const paid = charged.payment as { captured_minor: number };
    expect(await receipt.innerText()).toContain('•••• 4242');
    expect(await receipt.innerText()).toContain(`Charged\n${euro(paid.captured_minor)}`);

    // The customer asks; the store refunds (customers may not refund themselves).
    await page.getByTestId('ask-refund').locator('summary').click();
    await page.getByLabel('What should be refunded, and why?').fill('The eggs arrived broken.');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByTestId('refund-asked').waitFor();
    await page.getByTestId('support').getByText('Refund request').waitFor();
    expect((await api('POST', `/v1/orders/${orderId}/refunds`, customer, {})).status).toBe(403);
    const refunded = await api('POST', `/v1/orders/${orderId}/refunds`, staff, {
      amount_minor: 100,
      reason: 'Broken eggs',
    });
    expect(refunded.status).toBe(201);
    await page.reload();
    const refund = page.getByTestId('refund').filter({ hasText: 'Broken eggs' });
    await expect.poll(() => refund.getAttribute('data-status')).toBe('succeeded');
    expect(await refund.innerText()).toContain(euro(100));
    await expect.poll(() => receipt.innerText()).toContain(`Given back\n${euro(100)}`);

    // The history: each order with its status, total and date, leading to its page.
    await page.getByRole('link', { name: 'Orders' }).click();
    const history = page.getByTestId('order-history');
    const entry = history.locator('li', { has: page.locator(`a[href$="/orders/${orderId}"]`) });
    await expect.poll(() => entry.innerText()).toContain('Delivered');
    expect(await entry.innerText()).toMatch(/^Placed /);
    const canceled = history.locator('li', {
      has: page.locator(`a[href$="/orders/${savedOrder}"]`),
    });
    expect(await canceled.innerText()).toContain('Canceled');
    await entry.getByRole('link').click();
    await page.waitForURL(new RegExp(`/orders/${orderId}$`));
  }, 120_000);

  it('loaded nothing from outside this machine and broke no Content-Security-Policy', () => {
    expect(watch.elsewhere).toEqual([]);
    expect(watch.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([]);
  });
});
