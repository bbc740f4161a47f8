import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentClient } from '../../../test/support/payment-retry.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { openShop } from '../../../test/support/shop.ts';
import { ordersFor } from './index.ts';
import { authorizeWorkflowId } from './order-saga.ts';
import { RETRY_GRACE_OVER } from './order-sweep.ts';

let t: TestPlatform;
let customer: string;

beforeAll(async () => {
  t = await startTestPlatform({ env: { LASTMILE_PAYMENT_RETRY_GRACE_S: '3' } });
  customer = await t.tokenFor('customer');
});
afterAll(async () => {
  await t?.stop();
});

const api = () => paymentClient(t, () => customer);

async function declined(quantity: number) {
  const shop = await openShop(t, { stock: [4] });
  const res = await api().checkout(shop, quantity, 'tok_decline');
  expect(res.statusCode).toBe(402);
  return { shop, id: res.json().order_id as string };
}

/**
 * A retry whose request died right after it started the attempt: the order is authorizing with
 * the new card, and nobody is asking the provider.
 */
async function attemptLeftBehind(id: string, card: string) {
  const o = await ordersFor(t.platform.ctx).find(id);
  const started = await ordersFor(t.platform.ctx).startAttempt(id, {
    customerId: o?.customer_id as string,
    cardToken: card,
    key: `died-${id}`,
  });
  expect(started?.status).toBe('authorizing');
  expect(started?.payment_attempt).toBe(2);
}

const workflowStatus = async (id: string) =>
  (
    await sql<{
      status: string;
    }>`SELECT status FROM dbos.workflow_status WHERE workflow_uuid = ${id}`.execute(
      t.platform.ctx.db,
    )
  ).rows[0]?.status;

describe('the payment retry grace', () => {
  it('fails a declined order nobody paid for in time and gives its stock back', async () => {
    const { shop, id } = await declined(3);
    expect(await api().reserved(shop)).toBe(3);
    const failed = await waitFor(
      async () => {
        const o = await api().order(id);
        return o.status === 'failed' ? o : null;
      },
      20_000,
      'grace over',
    );
    expect(failed.reason).toBe(RETRY_GRACE_OVER);
    await waitFor(async () => (await api().reserved(shop)) === 0, 10_000, 'stock released');
    expect((await api().hold(id))?.status).toBe('released');
    const late = await api().pay(id, 'tok_visa');
    expect(late.statusCode).toBe(409);
    expect(late.json().detail).toContain('failed');
    expect(await api().providerCharges(id)).toBe(0);
  }, 40_000);

  it('hands an attempt its request left unsettled to the authorize workflow, which pays once', async () => {
    const { shop, id } = await declined(1);
    await attemptLeftBehind(id, 'tok_visa');
    await waitFor(async () => (await api().order(id)).status === 'authorized', 40_000, 'paid');
    // Paid by the workflow of attempt 2, which then ends.
    await waitFor(
      async () => (await workflowStatus(authorizeWorkflowId(id, 2))) === 'SUCCESS',
      10_000,
      'workflow done',
    );
    expect(await api().authorizations(id)).toBe(1);
    expect(await api().providerCharges(id)).toBe(1);
    expect(await api().reserved(shop)).toBe(1);
    // Authorized while the grace ran out: paid stays paid, the sweep leaves it.
    expect((await api().order(id)).status).toBe('authorized');
  }, 60_000);

  it('fails an order whose unsettled attempt is declined after the grace', async () => {
    const { shop, id } = await declined(2);
    await attemptLeftBehind(id, 'tok_insufficient');
    const failed = await waitFor(
      async () => {
        const o = await api().order(id);
        return o.status === 'failed' ? o : null;
      },
      40_000,
      'failed after the late decline',
    );
    expect(failed.reason).toBe(RETRY_GRACE_OVER);
    await waitFor(async () => (await api().reserved(shop)) === 0, 10_000, 'stock released');
    expect(await api().providerCharges(id)).toBe(0);
  }, 60_000);
});
