import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall } from '../support/browser.ts';
import { opsConsole } from '../support/ops-console.ts';
import { expectAccessible } from '../support/page-checks.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// The console's Health and Settings screens in a real browser: the health screen shows the
// modules, dependencies and a chart of the requests it has served; an ops agent sees the settings
// but cannot save them (nor through the API); an ops admin changes a dispatch weight and a
// rate-limit tier with a reason, the audit log screen shows it, and the API reports the new value.

let t: TestPlatform;
let base: string;

beforeAll(async () => {
  t = await startTestPlatform();
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  // Seeds the demo accounts the browser signs in with.
  await t.tokenFor('ops');
});
afterAll(async () => {
  await t?.stop();
});
const ui = opsConsole();

describe('the health screen', () => {
  it('shows module states, dependencies, queues and a chart of the requests served', async () => {
    const page = await ui.consoleAs(base, 'agent');
    await page.getByRole('link', { name: 'Health' }).click();
    await page.waitForURL(/\/app\/ops\/health/);
    const modules = page.getByTestId('modules');
    await modules.locator('tr[data-module="orders"][data-state="running"]').waitFor();
    expect(await modules.locator('tbody tr').count()).toBeGreaterThan(10);
    const deps = page.getByTestId('dependencies');
    expect(await deps.locator('tr[data-ok="true"]').count()).toBe(3);
    await page.getByTestId('queues').locator('tr[data-queue="outbox_unpublished"]').waitFor();
    // The sign-in and the screen's own reads are in this process's series.
    const chart = page.getByTestId('chart-requests');
    await chart.locator('rect').first().waitFor();
    expect(Number(await chart.getAttribute('data-max'))).toBeGreaterThan(0);
    await page.getByTestId('slowest').locator('tr[data-route="POST /v1/auth/token"]').waitFor();
    await expectAccessible(page, 'ops health');
  });
});

describe('the settings screen', () => {
  it('shows an agent the settings read-only, and the API refuses the agent too', async () => {
    const page = await ui.consoleAs(base, 'agent');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Dispatch weights' }).click();
    await page.waitForURL(/section=dispatch-weights/);
    await page.getByTestId('read-only').waitFor();
    const travel = page.getByLabel('Travel time to the door');
    expect(await travel.getAttribute('readonly')).not.toBeNull();
    await page.getByLabel('Why change Dispatch weights').fill('agents may not');
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'ops settings, read-only');

    const agent = await t.tokenFor('ops', 1);
    const refused = await apiCall(base, 'PUT', '/v1/ops/settings/dispatch-weights', agent, {
      value: { travel: 9, acceptance: 0, vehicle: 0, fairness: 0 },
      version: 0,
      reason: 'trying anyway',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('OPS_ADMIN_REQUIRED');
  });

  it('lets an admin change a dispatch weight and a tier budget, in the audit log with the reason', async () => {
    const page = await ui.consoleAs(base, 'admin');
    await page.goto(`${base}/app/ops/settings?section=dispatch-weights`);
    const travel = page.getByLabel('Travel time to the door');
    await travel.waitFor();
    expect(await page.getByTestId('read-only').count()).toBe(0);
    // The API judges the range; its refusal names the field.
    await travel.fill('101');
    await page.getByLabel('Why change Dispatch weights').fill('too much');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('refused').getByText('Travel time to the door').waitFor();
    await travel.fill('2.5');
    await page.getByLabel('Why change Dispatch weights').fill('rain: shorter trips first');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('group-note').getByText('Saved: version 1 is in force.').waitFor();

    await page.getByRole('link', { name: 'Rate limits' }).click();
    const free = page.getByLabel('free, free: Requests', { exact: true });
    await free.waitFor();
    await free.fill('700');
    await page.getByLabel('Why change Rate limits').fill('a partner launch');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('group-note').getByText('Saved: version 1 is in force.').waitFor();
    await expectAccessible(page, 'ops settings, admin');

    const admin = await t.tokenFor('ops', 0);
    const weights = await apiCall(base, 'GET', '/v1/ops/settings/dispatch-weights', admin);
    expect(weights.body).toMatchObject({ overridden: true, version: 1 });
    expect((weights.body.value as { travel: number }).travel).toBe(2.5);
    const limits = await apiCall(base, 'GET', '/v1/ops/settings/rate-limits', admin);
    expect(limits.body).toMatchObject({
      overridden: true,
      value: { tiers: { free: { limit: 700 } } },
    });

    await page.getByRole('link', { name: 'Audit log' }).click();
    const entry = page
      .getByTestId('audit')
      .locator('li[data-action="setting.update"][data-target-id="dispatch-weights"]');
    await entry.waitFor();
    expect(await entry.getByTestId('reason').innerText()).toBe('rain: shorter trips first');
    await page
      .getByTestId('audit')
      .locator('li[data-action="setting.update"][data-target-id="rate-limits"]')
      .waitFor();
  });
});
