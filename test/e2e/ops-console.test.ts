import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { apiCall } from '../support/browser.ts';
import { opsConsole, opsEmail } from '../support/ops-console.ts';
import { expectAccessible } from '../support/page-checks.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { openShop, paidOrderAt, type Shop } from '../support/shop.ts';

// The ops console in a real browser: an agent finds an order by the first characters of its id,
// by its customer and by its store, and reads its whole timeline; an action ops took shows in the
// audit log with its reason and downloads as CSV; and nobody but ops gets in: the sign-in refuses
// other accounts, a customer's or driver's token planted in the console's storage reads nothing,
// and every ops route of the OpenAPI document answers them 403.

const CUSTOMER = DEMO_USERS.find((u) => u.role === 'customer')?.email ?? '';

let t: TestPlatform;
let base: string;
let shop: Shop;
let customerEmail: string;
let orders: string[];

beforeAll(async () => {
  t = await startTestPlatform();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  shop = await openShop(t, { stock: [50, 50] });
  const customer = await t.tokenFor('customer');
  customerEmail = CUSTOMER;
  orders = [];
  for (let i = 0; i < 3; i++) orders.push((await paidOrderAt(t, shop, { token: customer })).id);
});
afterAll(async () => {
  await t?.stop();
});
const ui = opsConsole();

const rows = (page: Page) => page.getByTestId('orders').locator('tbody tr');
const rowIds = (page: Page) =>
  rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order-id')));

describe('the ops console', () => {
  it('finds an order by a prefix of its id, its customer and its store, and shows its timeline', async () => {
    const page = await ui.consoleAs(base, 'agent');
    expect(await page.getByTestId('signed-in').getAttribute('data-level')).toBe('agent');
    await rows(page).first().waitFor();
    await expectAccessible(page, 'ops orders');

    const [first, second] = orders as [string, string];
    await page.getByLabel('Order id or its first characters').fill(second.slice(0, 13));
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/[?&]id=/);
    await expect.poll(() => rowIds(page)).toEqual([second]);

    // The customer's email: their orders only, newest first.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Customer email or account id').fill(customerEmail);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(async () => (await rowIds(page)).slice(0, 3)).toEqual(orders.toReversed());

    // A row's store narrows the search to that store (and the form shows it).
    await rows(page)
      .first()
      .getByRole('link', { name: /^Orders of Shop / })
      .click();
    await page.waitForURL(new RegExp(`store_id=${shop.storeId}`));
    expect(await page.getByLabel('Store id').inputValue()).toBe(shop.storeId);
    await expect.poll(() => rowIds(page)).toEqual(orders.toReversed());

    // The timeline: what the order, the event log and the payment recorded, oldest first.
    await page.getByRole('link', { name: `Timeline of order ${first}` }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.locator('li[data-kind="order.placed"]').waitFor();
    await timeline.locator('li[data-source="payments"]').first().waitFor();
    await expect
      .poll(() => page.getByTestId('order-summary').getAttribute('data-status'))
      .toBe('authorized');
    const sources = await timeline
      .locator('li')
      .evaluateAll((lis) => [...new Set(lis.map((li) => li.getAttribute('data-source')))]);
    expect(sources).toEqual(expect.arrayContaining(['orders', 'events', 'payments']));
    const times = await timeline
      .locator('time')
      .evaluateAll((ts) => ts.map((x) => x.getAttribute('datetime') ?? ''));
    expect(times).toEqual(times.toSorted());
    await expectAccessible(page, 'ops timeline');

    // One source at a time; the details of an item show, with no secret in them.
    await page.getByRole('radio', { name: 'payments' }).check();
    const shown = await timeline
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-source')));
    expect(new Set(shown)).toEqual(new Set(['payments']));
    await page.getByRole('radio', { name: 'Everything' }).check();
    await timeline.locator('li details').first().locator('summary').click();
    expect(await timeline.locator('li details[open] pre').innerText()).toMatch(/\{/);
    expect(await timeline.innerText()).not.toContain('tok_visa');
  });

  it('shows an ops action in the audit log with its reason, and downloads the log as CSV', async () => {
    const admin = await t.tokenFor('ops');
    const reason = `Customer called: wrong address ${uuidv7().slice(-6)}`;
    const canceled = await apiCall(base, 'POST', `/v1/orders/${orders[2]}/cancel`, admin, {
      reason,
    });
    expect(canceled.status).toBe(200);

    const page = await ui.consoleAs(base, 'admin');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('order.cancel');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=order.cancel/);
    const entry = page.locator(`[data-testid="audit"] li[data-target-id="${orders[2]}"]`);
    await expect.poll(() => entry.getByTestId('reason').innerText()).toBe(reason);
    expect(await entry.innerText()).toContain(opsEmail('admin'));
    await expectAccessible(page, 'ops audit');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^lastmile-audit-.*\.csv$/);
    const csv = await readFile((await download.path()) as string, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toContain('action');
    expect(lines.slice(1).every((l) => l.includes('order.cancel'))).toBe(true);
    expect(csv).toContain(reason);
    expect(csv).toContain(orders[2]);
  });
});

describe('who may use the ops console', () => {
  it('refuses a customer or driver account at sign-in and keeps no session', async () => {
    for (const role of ['customer', 'driver'] as const) {
      const page = await ui.freshPage();
      await page.goto(`${base}/app/ops/`);
      await page.waitForURL(/\/app\/ops\/signin/);
      const email = DEMO_USERS.find((u) => u.role === role)?.email ?? '';
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('sign in with an ops account').waitFor();
      expect(await page.evaluate("localStorage.getItem('lastmile.ops.session')")).toBeNull();
    }
  });

  it('shows nothing to a customer or driver token planted in its storage', async () => {
    for (const role of ['customer', 'driver'] as const) {
      const token = await t.tokenFor(role);
      const page = await ui.freshPage();
      await page.goto(`${base}/app/ops/signin`);
      // As an attacker would: the token stored as if it were an ops session.
      const planted = JSON.stringify({
        token,
        user: { id: uuidv7(), email: 'x@example.com', name: 'X', role: 'ops' },
      });
      await page.evaluate(
        `localStorage.setItem('lastmile.ops.session', ${JSON.stringify(planted)})`,
      );
      await page.goto(`${base}/app/ops/`);
      await page
        .getByRole('alert')
        .getByText('This account may not use the ops console.')
        .waitFor();
      expect(await rows(page).count()).toBe(0);
      await page.goto(`${base}/app/ops/orders/${orders[0]}`);
      await page.getByRole('alert').first().waitFor();
      expect(await page.getByTestId('timeline').locator('li').count()).toBe(0);
    }
  });

  it('answers 403 to a customer or driver on every ops route of the OpenAPI document', async () => {
    const order = orders[0] ?? '';
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const calls = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/v1/ops/'))
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => ({ method: m.toUpperCase(), path: p.replace(/\{[^}]+\}/g, order) })),
      );
    expect(calls.length).toBeGreaterThanOrEqual(10);
    for (const role of ['customer', 'driver'] as const) {
      const token = await t.tokenFor(role);
      for (const c of calls) {
        const res = await apiCall(
          base,
          c.method,
          c.path,
          token,
          c.method === 'GET' ? undefined : {},
        );
        expect(res.status, `${role} ${c.method} ${c.path}`).toBe(403);
      }
    }
  });
});
