import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, seedDemoCity } from '../../src/cli/demo-city.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { launchChromium, localContext, newPage, pageWatch } from '../support/browser.ts';
import { deliverToAddressNear } from '../support/browser-flows.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// The apps' languages in a real browser: a browser that prefers German gets the apps in German
// (words, the API's problems, money and distances), and the frame's switch changes the language
// of every app of this browser for good.

let t: TestPlatform;
let base: string;
let browser: Browser;
let context: BrowserContext;
const watch = pageWatch();

beforeAll(async () => {
  t = await startTestPlatform();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await seedDemoCity(t.platform.ctx, t.platform.databaseUrl);
  await t.tokenFor('customer'); // seeds the demo accounts
  browser = await launchChromium();
  context = await localContext(browser, watch, { locale: 'de-DE' });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.stop();
});

const lang = (page: Page) => page.locator('html').getAttribute('lang');
/** The language chosen with the switch, as the apps keep it. */
const stored = (page: Page) => page.evaluate("localStorage.getItem('lastmile.locale')");

describe('the apps in German', () => {
  it('speak German to a German browser, the sign-in and its problems included', async () => {
    const page = await newPage(context, watch);
    await page.goto(`${base}/app/customer/`);
    await page.waitForURL(/\/app\/customer\/signin/);
    await page.getByRole('heading', { name: 'Anmelden' }).waitFor();
    expect(await lang(page)).toBe('de');
    expect(await stored(page)).toBeNull();

    // The API's 401 for a wrong password, in German.
    await page.getByLabel('E-Mail').fill(DEMO_USERS[0].email);
    await page.getByLabel('Passwort').fill('not-the-password');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page
      .getByRole('alert')
      .getByText('Zu dieser E-Mail-Adresse und diesem Passwort gibt es kein Konto.')
      .waitFor();

    await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(/\/app\/customer\/place$/);
    await page.getByRole('heading', { name: 'Wohin sollen wir liefern?' }).waitFor();
    await deliverToAddressNear(page, base, {
      words: { search: 'Adresse suchen', deliver: 'Hierhin liefern' },
    });

    // The stores near the spot: German words, German distances.
    await page.getByRole('heading', { name: 'Geschäfte, die zu dir liefern' }).waitFor();
    await page.getByTestId('stores').locator('li').first().waitFor({ timeout: 10_000 });
    const stores = await page.getByTestId('stores').innerText();
    expect(stores).toMatch(/etwa \d+ Min\./);
    expect(stores).toMatch(/(\d+ m|\d+(,\d)? km) entfernt/);
    for (const link of ['Geschäfte', 'Warenkorb', 'Bestellungen'])
      await page.getByRole('link', { name: link, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();

    // A store's shelf: prices as German write them.
    await page.locator(`a[href$="/stores/${DEMO_STORE_ID}"]`).click();
    const first = page.getByTestId('product').first();
    await first.getByRole('button', { name: 'in den Warenkorb legen' }).waitFor();
    expect(await first.innerText()).toMatch(/\d+,\d{2}\s€/);
    await page.close();
  });

  it('switch language in the frame, for every app of the browser', async () => {
    const page = await newPage(context, watch);
    await page.goto(`${base}/app/customer/stores/${DEMO_STORE_ID}`);
    await page.getByRole('link', { name: 'Alle Geschäfte' }).waitFor();

    // English, chosen: the page loads again in it, on the same screen.
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('link', { name: 'All stores' }).waitFor();
    expect(await lang(page)).toBe('en');
    expect(await stored(page)).toBe('"en"');
    expect(await page.getByTestId('product').first().innerText()).toMatch(/€\d+\.\d{2}/);

    // Another app of this browser starts in the chosen language, and switches back.
    await page.goto(`${base}/app/driver/`);
    await page.getByRole('heading', { name: 'Sign in to drive' }).waitFor();
    expect(await page.title()).toBe('lastmile driver');
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('heading', { name: 'Zum Fahren anmelden' }).waitFor();
    expect(await page.title()).toBe('lastmile Fahrer');
    expect(await lang(page)).toBe('de');
    expect(await stored(page)).toBe('"de"');
    await page.close();
  });

  it('loaded nothing from outside this machine and broke no Content-Security-Policy', () => {
    expect(watch.elsewhere).toEqual([]);
    expect(watch.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([]);
  });
});
