import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DBOS } from '../../src/platform/workflows/engine.ts';
import { auditEntries } from '../support/audit.ts';
import { dispatchFixture } from '../support/dispatch-fixture.ts';
import { holdPaymentRow } from '../support/held-rows.ts';
import { opsConsole } from '../support/ops-console.ts';
import { expectAccessible } from '../support/page-checks.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../support/platform.ts';
import { openShop, paidOrderAt } from '../support/shop.ts';

// The console's "late and stuck" screen in a real browser: a trip nobody takes is found and sent
// out again (reassign), and a saga workflow stuck on a payment provider that cannot answer is
// found and run again; each with a reason, once however often the button is clicked, in the audit
// log once.

const ui = opsConsole();

/** The agent signed in to the console on `base`, on the late-and-stuck screen for `kind`. */
async function attentionPage(base: string, kind: string): Promise<Page> {
  const page = await ui.consoleAs(base, 'agent');
  await page.getByRole('link', { name: 'Late and stuck' }).click();
  await page.getByLabel('Kind').selectOption(kind);
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(new RegExp(`kind=${kind}`));
  return page;
}

/** Opens the item's action, gives the reason and double-clicks the button. */
async function act(page: Page, orderId: string, action: string, reason: string) {
  const item = page.locator(`[data-testid="attention-item"][data-order-id="${orderId}"]`);
  await item.getByRole('button', { name: action }).click();
  const form = item.getByTestId('action-form');
  await form.getByLabel(`Reason: ${action}`).fill(reason);
  await form.getByRole('button', { name: action }).dblclick();
  await page.getByTestId('done').getByText(`Done: ${action}`).waitFor();
}

describe('a trip nobody takes', () => {
  const w = dispatchFixture({
    LASTMILE_OFFER_TTL_S: '30',
    LASTMILE_DISPATCH_RADII_M: '3000',
    LASTMILE_OPS_OFFER_UNTAKEN_S: '60',
  });
  let base: string;
  beforeAll(async () => {
    base = await w.t().app.listen({ port: 0, host: '127.0.0.1' });
  });

  it('is found in the console and sent out again, once, with the reason in the audit log', async () => {
    const shop = await w.shopFar();
    const o = await w.acceptedOrder(shop);
    await w.dueNow(o.tripId);
    await w.advance(90_000);
    await w.tick();

    const page = await attentionPage(base, 'offer_untaken');
    const item = page.locator(`[data-testid="attention-item"][data-order-id="${o.orderId}"]`);
    await item.waitFor();
    expect(await item.innerText()).toContain('Nobody takes it');
    await expectAccessible(page, 'ops attention');

    const [d] = await w.driversNear(shop.at, [0.5]);
    await act(page, o.orderId, 'Reassign the driver', 'a driver is near the store now');
    const ops = await w.t().tokenFor('ops');
    const entries = await auditEntries(w.t(), ops, `action=trip.reassign&target_id=${o.tripId}`);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: 'a driver is near the store now' });
    // Sent out again: the driver now near is offered it.
    await w.tick();
    expect((await w.openOffer(o.tripId)).driver_id).toBe(d.id);
  });
});

describe('a workflow stuck on the payment provider', () => {
  let t: TestPlatform;
  let base: string;
  beforeAll(async () => {
    t = await startTestPlatform({
      env: {
        LASTMILE_OPS_WORKFLOW_STUCK_S: '1',
        // The provider's statements give up on a held row at once (the step then retries).
        LASTMILE_DB_LOCK_TIMEOUT_MS: '300',
      },
    });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is found in the console and run again, once, until it finishes', async () => {
    const shop = await openShop(t, { stock: [20] });
    const o = await paidOrderAt(t, shop, { token: await t.tokenFor('customer') });
    const wf = `order:${o.id}:compensate`;
    // The provider cannot void: its payment row is held until released.
    const held = await holdPaymentRow(t, o.id);
    const ops = await t.tokenFor('ops');
    try {
      const cancel = await t.request({
        method: 'POST',
        url: `/v1/orders/${o.id}/cancel`,
        token: ops,
        headers: { 'idempotency-key': `cancel-${o.id}` },
        payload: { reason: 'the customer called to cancel' },
      });
      expect(cancel.statusCode).toBe(200);
      const page = await attentionPage(base, 'workflow_stuck');
      const item = page.locator(`[data-testid="attention-item"][data-order-id="${o.id}"]`);
      // The list is read again every 10 s; reload until the stuck compensation is on it.
      await waitFor(
        async () => {
          if (await item.count()) return true;
          await page.reload();
          await page.getByTestId('attention').waitFor();
          return (await item.count()) > 0;
        },
        30_000,
        'the stuck workflow listed',
        1000,
      );
      expect(await item.innerText()).toContain('Stuck workflow');
      await act(page, o.id, 'Retry the failed step', 'the provider is back');
    } finally {
      await held.release();
    }
    await waitFor(
      async () => (await DBOS.getWorkflowStatus(wf))?.status === 'SUCCESS',
      30_000,
      'compensated',
    );
    const entries = await auditEntries(
      t,
      ops,
      `action=workflow.retry&target_id=${encodeURIComponent(wf)}`,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: 'the provider is back' });
  }, 90_000);
});
