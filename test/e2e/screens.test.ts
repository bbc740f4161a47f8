import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STORE_ID, seedDemoCity } from '../../src/cli/demo-city.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { launchChromium, localContext, newPage, pageWatch } from '../support/browser.ts';
import { deliverToAddressNear } from '../support/browser-flows.ts';
import {
  axeViolations,
  describeViolations,
  type LayoutShift,
  layoutShiftSince,
  watchLayoutShifts,
} from '../support/page-checks.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { walkScreens } from '../support/screens.ts';

// Every main screen of the four apps, walked through one whole order (test/support/screens.ts):
// no serious or critical accessibility violation (axe-core) on any of them, and no layout jump
// while live data arrives (the customer's order page as its statuses stream in, the store's
// queue as an order arrives, the driver's shift screen as an offer comes, the ops live map as the
// city comes in). Then a customer who uses only the keyboard signs in, fills the cart and pays.

/** Cumulative layout shift a screen may have while its live data arrives. */
const CLS_BUDGET = 0.1;
const SCREENS = [
  'customer signin',
  'customer place',
  'customer stores',
  'customer store',
  'customer cart',
  'customer order',
  'customer orders',
  'driver signin',
  'driver shift',
  'driver offer',
  'driver trip',
  'driver today',
  'store signin',
  'store queue',
  'store order-new',
  'store order',
  'store stock',
  'store settings',
  'ops signin',
  'ops orders',
  'ops timeline',
  'ops audit',
  'ops live',
  'ops health',
  'ops settings',
];

let t: TestPlatform;
let base: string;
let browser: Browser;
const watch = pageWatch();

beforeAll(async () => {
  t = await startTestPlatform({
    env: { LASTMILE_DISPATCH_STRATEGY: 'greedy', LASTMILE_LOCATION_HISTORY_S: '0' },
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await seedDemoCity(t.platform.ctx, t.platform.databaseUrl);
  await t.tokenFor('customer'); // seeds the demo accounts
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Presses Tab (Shift+Tab `back`) until `target` has the focus, and checks the focus shows. */
async function tabTo(page: Page, target: Locator, back = false): Promise<void> {
  await target.waitFor();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await target.evaluate((el) => el.ownerDocument.activeElement === el)) {
      const outline = await target.evaluate(
        (el) => el.ownerDocument.defaultView?.getComputedStyle(el).outlineStyle,
      );
      expect(outline, 'the focused element shows its focus').not.toBe('none');
      return;
    }
  }
  throw new Error(`the keyboard never reached ${String(target)}`);
}

describe('the main screens of the four apps', () => {
  it('have no serious accessibility violation and keep still while live data arrives', async () => {
    const checked: string[] = [];
    const violations: string[] = [];
    const shifts = new Map<string, { cls: number; shifts: LayoutShift[] }>();
    await walkScreens(
      { base, browser, watch },
      {
        async screen(app, name, page) {
          checked.push(`${app} ${name}`);
          const found = await axeViolations(page, ['minor', 'moderate', 'serious', 'critical']);
          const grave = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
          if (grave.length) violations.push(describeViolations(`${app} ${name}`, grave));
          const lesser = found.filter((v) => !grave.includes(v));
          if (lesser.length) console.log(`e2e: ${describeViolations(`${app} ${name}`, lesser)}`);
        },
        async live(app, name, page) {
          const since = await watchLayoutShifts(page);
          return async () => void shifts.set(`${app} ${name}`, await layoutShiftSince(page, since));
        },
      },
    );
    for (const [screen, s] of shifts) {
      const moved = [...new Set(s.shifts.flatMap((x) => x.moved))].join(', ') || 'nothing';
      console.log(`e2e: layout shift on ${screen}: ${s.cls.toFixed(4)} (moved: ${moved})`);
    }
    expect(checked.toSorted()).toEqual(SCREENS.toSorted());
    expect(violations.join('\n'), 'serious or critical axe violations').toBe('');
    expect([...shifts.keys()].toSorted()).toEqual([
      'customer order',
      'driver offer',
      'ops live',
      'store queue',
    ]);
    for (const [screen, s] of shifts)
      expect(s.cls, `${screen}: ${JSON.stringify(s.shifts)}`).toBeLessThanOrEqual(CLS_BUDGET);
  });

  it('lets a customer sign in, fill the cart and pay with the keyboard alone', async () => {
    const context = await localContext(browser, watch);
    const page = await newPage(context, watch);
    await page.goto(`${base}/app/customer/`);
    await page.waitForURL(/\/app\/customer\/signin/);
    await tabTo(page, page.getByLabel('Email'));
    await page.keyboard.type(DEMO_USERS[1].email);
    await tabTo(page, page.getByLabel('Password'));
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/customer\/place$/);

    await deliverToAddressNear(page, base, { focus: (control) => tabTo(page, control) });
    await tabTo(page, page.locator(`a[href$="/stores/${DEMO_STORE_ID}"]`));
    await page.keyboard.press('Enter');

    const first = page.getByTestId('product').first();
    await tabTo(page, first.getByRole('button'));
    await page.keyboard.press('Enter');
    await first.getByText('1 in cart').waitFor();
    await page.keyboard.press('Space');
    await first.getByText('2 in cart').waitFor();
    await tabTo(page, page.getByRole('link', { name: 'Cart' }), true);
    await page.keyboard.press('Enter');

    await page.getByTestId('cart-lines').locator('li').first().waitFor();
    await tabTo(page, page.getByLabel('Card'));
    await tabTo(page, page.getByRole('button', { name: /^Pay / }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/customer\/orders\/[0-9a-f-]{36}$/);
    await page.getByTestId('order-status').waitFor();
    await context.close();
  });

  it('loaded nothing from outside this machine and broke no Content-Security-Policy', () => {
    expect(watch.elsewhere).toEqual([]);
    expect(watch.consoleErrors.filter((e) => /Content.Security.Policy/i.test(e))).toEqual([]);
  });
});
