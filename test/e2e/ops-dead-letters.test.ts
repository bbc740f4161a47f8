import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/cli/demo-seed.ts';
import { allModules } from '../../src/modules/index.ts';
import { auditEntries } from '../support/audit.ts';
import { launchChromium, localContext, newPage, pageWatch, signIn } from '../support/browser.ts';
import {
  flakyConsumer,
  flakyLetters,
  type LetterView as Letter,
} from '../support/flaky-consumer.ts';
import { expectAccessible } from '../support/page-checks.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../support/platform.ts';
import { openShop, paidOrderAt } from '../support/shop.ts';
import { openTicket } from '../support/tickets.ts';

// The console's dead letters and webhooks in a real browser: a consumer that fails past its
// retries leaves dead letters; an agent finds one, reads its payload and error, and double-clicks
// Replay (the consumer handles it once); discards another with a reason (it shows in the audit
// log); replays a third by selecting it; and sends a failed webhook delivery again from the
// endpoint's history.

const AGENT = DEMO_USERS.find((u) => 'opsLevel' in u && u.opsLevel === 'agent')?.email ?? '';

// A consumer broken until the test mends it; it counts each event's effect.
const flaky = flakyConsumer();
const { handled } = flaky;

/** A partner endpoint answering 503 while `failing`, 200 after. */
let failing = true;
let received = 0;
const partner = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(failing ? 503 : 200).end();
  });
});

let t: TestPlatform;
let base: string;
let browser: Browser;
let context: BrowserContext;
let ops: string;
let letters: Letter[];
let hookUrl: string;
const watch = pageWatch();
const subjects = ['Replay me', 'Discard me', 'Select me'];

beforeAll(async () => {
  t = await startTestPlatform({
    workflows: false,
    modules: [...allModules, flaky.module],
    env: { LASTMILE_WEBHOOK_BACKOFF_MS: '20', LASTMILE_WEBHOOK_MAX_ATTEMPTS: '2' },
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => partner.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}/hook`;
  ops = await t.tokenFor('ops');
  const customer = await t.tokenFor('customer');
  for (const subject of subjects)
    await openTicket(t, customer, { subject, message: `tag ${uuidv7().slice(-6)}` });
  const listed = await flakyLetters(t, ops, subjects.length);
  // In the order of the subjects (the consumer may have given up on them in any order).
  const subjectOf = async (l: Letter) =>
    (await t.request({ method: 'GET', url: `/v1/ops/dead-letters/${l.id}`, token: ops })).json()
      .event.payload.subject as string;
  const named = await Promise.all(listed.map(async (l) => ({ l, s: await subjectOf(l) })));
  letters = subjects.map((s) => named.find((n) => n.s === s)?.l as Letter);
  flaky.broken = false;
  browser = await launchChromium();
  context = await localContext(browser, watch, { viewport: { width: 1440, height: 900 } });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  partner.closeAllConnections();
  await new Promise<void>((r) => partner.close(() => r()));
  await t?.stop();
});
const row = (page: Page, id: number) => page.locator(`tr[data-letter-id="${id}"]`);
const stateOfRow = (page: Page, id: number) => row(page, id).getAttribute('data-state');

describe('dead letters in the ops console', () => {
  let page: Page;
  it('shows a dead letter with its payload and error, and replays it once on a double click', async () => {
    page = await newPage(context, watch);
    await signIn(page, base, 'ops', AGENT);
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByLabel('Consumer').fill('flaky');
    await page.getByLabel('Show').selectOption('all');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/consumer=flaky/);
    const [first] = letters as [Letter];
    await row(page, first.id).waitFor();
    expect(await page.locator('tr[data-letter-id]').count()).toBe(subjects.length);

    await page.getByRole('button', { name: `Inspect dead letter ${first.id}` }).click();
    const detail = page.getByTestId('letter-detail');
    expect(await detail.getByTestId('payload').innerText()).toContain(subjects[0]);
    expect(await detail.getByTestId('letter-error').innerText()).toContain('downstream is down');
    await expectAccessible(page, 'ops dead letters');

    await detail.getByLabel('Why replay it', { exact: true }).fill('the downstream is back');
    await detail.getByRole('button', { name: 'Replay', exact: true }).dblclick();
    await expect.poll(() => stateOfRow(page, first.id), { timeout: 15_000 }).toBe('replayed');
    expect(handled.get(first.event_id)).toBe(1);
    const audit = await auditEntries(t, ops, `action=dead_letter.replay&target_id=${first.id}`);
    expect(audit).toMatchObject([{ reason: 'the downstream is back' }]);
  });

  it('discards a dead letter with a reason, which the audit log shows', async () => {
    const second = letters[1] as Letter;
    await page.getByRole('button', { name: `Inspect dead letter ${second.id}` }).click();
    const detail = page.getByTestId('letter-detail');
    const reason = `A test ticket ${uuidv7().slice(-6)}`;
    const discard = detail.getByRole('button', { name: 'Discard', exact: true });
    expect(await discard.isDisabled()).toBe(true);
    await detail.getByLabel('Why discard it', { exact: true }).fill(reason);
    await discard.click();
    await expect.poll(() => stateOfRow(page, second.id)).toBe('discarded');
    expect(handled.has(second.event_id)).toBe(false);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('dead_letter.discard');
    await page.getByRole('button', { name: 'Filter' }).click();
    const entry = page.locator(`[data-testid="audit"] li[data-target-id="${second.id}"]`);
    await expect.poll(() => entry.getByTestId('reason').innerText()).toBe(reason);
  });

  it('replays the selected dead letters and says what happened to each', async () => {
    const third = letters[2] as Letter;
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.getByRole('checkbox', { name: `Select dead letter ${third.id}` }).check();
    await page.getByLabel('Why replay the selected dead letter').fill('all of them');
    await page.getByRole('button', { name: 'Replay selected' }).click();
    await page
      .locator(`[data-testid="replay-outcomes"] li[data-letter-id="${third.id}"]`)
      .waitFor();
    expect(
      await page
        .locator(`[data-testid="replay-outcomes"] li[data-letter-id="${third.id}"]`)
        .getAttribute('data-outcome'),
    ).toBe('requested');
    await waitFor(() => handled.get(third.event_id) === 1, 15_000, 'third replayed');
  });
});

describe('webhooks in the ops console', () => {
  it("lists an endpoint's deliveries and sends a failed one again", async () => {
    const shop = await openShop(t, { stock: [10] });
    const sub = await t.request({
      method: 'POST',
      url: '/v1/ops/webhooks',
      token: ops,
      payload: {
        partner_name: 'Acme Couriers',
        url: hookUrl,
        events: ['orders.order_placed'],
        store_id: shop.storeId,
        reason: 'partner onboarding',
      },
    });
    expect(sub.statusCode).toBe(201);
    await paidOrderAt(t, shop, { token: await t.tokenFor('customer') });
    await waitFor(
      async () => {
        const r = await t.request({
          method: 'GET',
          url: `/v1/ops/webhooks/${sub.json().id}/deliveries?status=dead`,
          token: ops,
        });
        return r.json().items.length === 1;
      },
      20_000,
      'a dead delivery',
    );

    const page = await newPage(context, watch);
    await page.goto(`${base}/app/ops/`);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page
      .getByRole('link', { name: `Delivery history of Acme Couriers (${hookUrl})` })
      .click();
    const dead = page.locator('[data-testid="deliveries"] li[data-status="dead"]');
    await dead.waitFor();
    expect(await dead.getByTestId('attempts').innerText()).toBe('2');
    expect(await dead.getByTestId('response-code').innerText()).toBe('503');
    await expectAccessible(page, 'ops webhooks');

    failing = false;
    const before = received;
    await dead.getByLabel('Why send orders.order_placed again').fill('partner is back up');
    await dead.getByRole('button', { name: 'Send again' }).click();
    await page
      .locator('[data-testid="deliveries"] li[data-status="delivered"]')
      .waitFor({ timeout: 15_000 });
    expect(received).toBe(before + 1);
    const audit = await auditEntries(t, ops, 'action=webhook.delivery_retry');
    expect(audit).toMatchObject([{ reason: 'partner is back up' }]);
  });
});
