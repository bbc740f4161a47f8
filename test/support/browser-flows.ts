import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_STORE_ID } from '../../src/cli/demo-city.ts';
import { DEMO_DRIVER_IDS, DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { apiCall, signIn } from './browser.ts';
import { waitFor } from './wait.ts';

// The steps the browser suites share: a customer ordering in the customer app, and a driver
// working a job in the driver app while the phone's position is moved by the test.

export interface Point {
  lat: number;
  lng: number;
}

/** Degrees of latitude per 100 m, near enough. */
const HM = 0.0009;

export const north = (p: Point, hundredMetres: number): Point => ({
  lat: p.lat + hundredMetres * HM,
  lng: p.lng,
});

/** Where the phone says it is (Playwright's geolocation override). */
export const phoneAt = (p: Point) => ({ latitude: p.lat, longitude: p.lng, accuracy: 10 });

/**
 * The customer signs in, shares the phone's location at the door (the pin lands there), names
 * the door for the courier, shops at the demo store and pays.
 */
export async function customerOrders(page: Page, base: string, door: Point): Promise<string> {
  await page.context().grantPermissions(['geolocation'], { origin: base });
  await page.context().setGeolocation(phoneAt(door));
  await signIn(page, base, 'customer', DEMO_USERS[0].email);
  await page.waitForURL(/\/app\/customer\/place$/);
  await page.getByRole('button', { name: 'Use my location' }).click();
  await mapMarker(page, 'pin').waitFor();
  await page.getByLabel('Address for the courier').fill('Probeweg 6');
  await page.getByRole('button', { name: 'Deliver here' }).click();
  await page.waitForURL(/\/app\/customer\/stores$/);
  await page.goto(`${base}/app/customer/stores/${DEMO_STORE_ID}`);
  const first = page.getByTestId('product').first();
  await first.getByRole('button').click();
  await first.getByText('1 in cart').waitFor();
  await page.getByRole('link', { name: 'Cart' }).click();
  await page.getByLabel('Card').selectOption('tok_visa');
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.waitForURL(/\/app\/customer\/orders\/[0-9a-f-]{36}$/);
  return page.url().split('/').pop() as string;
}

/**
 * Waits until `shown` says the status (its data-status). Not expect.poll: `npm run screenshots`
 * walks the apps outside vitest.
 */
export const statusIs = (shown: Locator, status: string) =>
  waitFor(
    async () => (await shown.getAttribute('data-status')) === status,
    15_000,
    `status ${status}`,
    100,
  );

/** A marker of the page's map (`kind`: store, driver, destination, pin). */
export const mapMarker = (page: Page | Locator, kind: string) =>
  page.locator(`[data-testid="map-marker"][data-kind="${kind}"]`);

/** Where a map marker is drawn, in pixels of its map. */
export async function markerAt(marker: Locator): Promise<{ x: number; y: number } | null> {
  const t = await marker.getAttribute('transform');
  const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(t ?? '');
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
}

/**
 * Waits for the map in `scope` to have drawn the streets of its view, and answers how many
 * street lines it drew.
 */
export async function mapStreets(scope: Page | Locator): Promise<number> {
  const map = scope.locator('[data-testid="map"][data-streets]');
  await map.waitFor({ timeout: 15_000 });
  return map.locator('path.street, path.arterial').count();
}

/**
 * The demo driver's phone in the driver app: `page` is signed in on `context` (with geolocation
 * allowed); `opsToken` reads where lastmile has the driver.
 */
export function driverSteps(o: {
  base: string;
  context: BrowserContext;
  page: () => Page;
  opsToken: () => Promise<string>;
  store: () => Point;
}) {
  const lastPosition = async (): Promise<Point | null> => {
    const d = await apiCall(o.base, 'GET', `/v1/drivers/${DEMO_DRIVER_IDS[0]}`, await o.opsToken());
    return (d.body.last_position as Point | null) ?? null;
  };
  const step = (name: string) =>
    o.page().locator(`[data-testid="step"][data-step="${name}"]`).getByRole('button');
  const steps = {
    step,
    /** The phone moves to `p`; resolves once the app's report of it reached lastmile. */
    async moveTo(p: Point): Promise<void> {
      await o.context.setGeolocation(phoneAt(p));
      // waitFor, not expect.poll: `npm run screenshots` walks the apps outside vitest.
      await waitFor(
        async () => {
          const at = await lastPosition();
          return at !== null && Math.abs(at.lat - p.lat) < 1e-6 && Math.abs(at.lng - p.lng) < 1e-6;
        },
        12_000,
        `lastmile to have the phone at ${p.lat},${p.lng}`,
        250,
      );
    },
    /** The offer arrives on the driver's shift screen; the driver takes it. */
    async takeOffer(): Promise<void> {
      const page = o.page();
      const offer = page.getByTestId('offer');
      await offer.waitFor({ timeout: 15_000 });
      expect(await offer.getByTestId('offer-countdown').innerText()).toMatch(/\d+ s to answer/);
      expect(await offer.getByTestId('offer-pay').innerText()).toMatch(/€/);
      expect(await offer.getByTestId('offer-pickup').innerText()).toMatch(/\d+ m/);
      expect(await offer.getByTestId('offer-dropoff').innerText()).toMatch(/\d+ m/);
      await offer.getByRole('button', { name: 'Accept' }).click();
      await page.waitForURL(/\/app\/driver\/trip$/);
    },
    /** At the store: arrived, then picked up. */
    async collect(): Promise<void> {
      await steps.moveTo(o.store());
      await step('arrived-at-store').click();
      await step('picked-up').click();
      await o.page().locator('[data-kind="dropoff"][data-status="picked_up"]').waitFor();
    },
    /**
     * At the door: arrived, then handed over with the PIN the customer's page shows, each move
     * seen on that page.
     */
    async deliverTo(customer: Page): Promise<void> {
      const status = customer.getByTestId('order-status');
      await step('arrived-at-dropoff').click();
      await statusIs(status, 'at_dropoff');
      await steps.handOver(await customer.getByTestId('order-pin').innerText());
      await statusIs(status, 'delivered');
    },
    /** At the door: the customer's PIN (and the age check where asked), then done. */
    async handOver(pin: string): Promise<void> {
      const page = o.page();
      await page.getByLabel('Customer’s PIN').fill(pin);
      const age = page.getByLabel(/checked the customer’s ID/);
      if (await age.count()) await age.check();
      await page.getByRole('button', { name: 'Hand over' }).click();
      await page
        .getByTestId('no-trip')
        .waitFor({ timeout: 10_000 })
        .catch(async (err: unknown) => {
          throw new Error(`${String(err)}\n${await page.locator('main').innerText()}`);
        });
    },
  };
  return steps;
}

/** The demo city's centre: every demo store delivers there. */
export const DEMO_CENTRE: Point = { lat: 52.52, lng: 13.405 };

const ENGLISH_PLACE = { search: 'Search for an address', deliver: 'Deliver here' };

/**
 * On the customer's place screen: the address lastmile knows nearest `at` is typed into the
 * search, picked from the suggestions and delivered to, all with the keyboard. `focus` moves the
 * keyboard's focus to a control (the default focuses it; a keyboard-only test tabs to it).
 */
export async function deliverToAddressNear(
  page: Page,
  base: string,
  o: {
    at?: Point;
    words?: typeof ENGLISH_PLACE;
    focus?: (control: Locator) => Promise<void>;
  } = {},
): Promise<string> {
  const at = o.at ?? DEMO_CENTRE;
  const words = o.words ?? ENGLISH_PLACE;
  const focus = o.focus ?? ((c: Locator) => c.focus());
  const res = await fetch(`${base}/v1/places/reverse?lat=${at.lat}&lng=${at.lng}`);
  expect(res.status).toBe(200);
  const place = (await res.json()) as { label: string; street: string; housenumber: string };
  await focus(page.getByRole('combobox', { name: words.search }));
  await page.keyboard.type(`${place.street} ${place.housenumber}`);
  const option = page.getByRole('option', { name: place.label });
  await option.waitFor();
  for (let i = 0; (await option.getAttribute('aria-selected')) !== 'true'; i++) {
    if (i > 20) throw new Error(`${place.label} is offered but cannot be chosen`);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await focus(page.getByRole('button', { name: words.deliver }));
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/app\/customer\/stores$/);
  return place.label;
}
