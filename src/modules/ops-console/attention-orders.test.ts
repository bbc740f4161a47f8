import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEntries } from '../../../test/support/audit.ts';
import { holdPaymentRow, holdReservationOf } from '../../../test/support/held-rows.ts';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { moveOrder, openShop, paidOrderAt, type Shop } from '../../../test/support/shop.ts';
import { ordersFor } from '../orders/index.ts';
import { DBOS } from '../../platform/workflows/engine.ts';

// The attention list's order kinds and their fixes, on a real platform: orders waiting for their
// store (late), a deadline extended, a saga workflow stuck on a payment provider that cannot
// answer, run again.

let t: TestPlatform;
let ops: string;
let customer: string;
let shop: Shop;
/** How far the platform's clock runs ahead of the wall clock: "later" without waiting. */
let ahead = 0;

interface Item {
  kind: string;
  order_id: string;
  trip_id?: string;
  since: string;
  overdue_s: number;
  summary: string;
  detail: Record<string, unknown>;
  actions: string[];
}

beforeAll(async () => {
  t = await startTestPlatform({
    clock: { now: () => Date.now() + ahead },
    env: {
      LASTMILE_OPS_LATE_ACCEPT_S: '60',
      LASTMILE_ACCEPT_TIMEOUT_S: '900',
      LASTMILE_OPS_WORKFLOW_STUCK_S: '1',
      // The provider's statements give up on a held row at once (the step then retries).
      LASTMILE_DB_LOCK_TIMEOUT_MS: '300',
      // A saga step fails its workflow after two tries (money movements try on).
      LASTMILE_SAGA_STEP_ATTEMPTS: '2',
    },
  });
  ops = await t.tokenFor('ops', 1);
  customer = await t.tokenFor('customer');
  shop = await openShop(t, { stock: [50] });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const post = (url: string, payload: object, key: string, token = ops) =>
  t.request({ method: 'POST', url, token, payload, headers: { 'idempotency-key': key } });

/** Every item of the list (as ops), page by page, for `query`. */
async function attention(query = ''): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  do {
    const url = `/v1/ops/attention?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await t.request({ method: 'GET', url, token: ops });
    expect(res.statusCode).toBe(200);
    const page = res.json() as { items: Item[]; next_cursor: string | null; gaps: string[] };
    expect(page.gaps).toEqual([]);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}
/** The audit kinds in the order's timeline (the ops console shows ops' actions there). */
async function auditedInTimeline(orderId: string): Promise<string[]> {
  const res = await t.request({
    method: 'GET',
    url: `/v1/ops/orders/${orderId}/timeline`,
    token: ops,
  });
  expect(res.statusCode).toBe(200);
  const items = res.json().items as Array<{ source: string; kind: string }>;
  return items.filter((i) => i.source === 'audit').map((i) => i.kind);
}
const itemOf = async (orderId: string, kind: string) =>
  (await attention(`&kind=${kind}`)).find((i) => i.order_id === orderId);

describe('GET /v1/ops/attention', () => {
  it('lists a paid order its store leaves waiting, most overdue first, until the store accepts', async () => {
    ahead = 0;
    const first = await paidOrderAt(t, shop, { token: customer });
    const second = await paidOrderAt(t, shop, { token: customer });
    expect(await itemOf(first.id, 'order_late')).toBeUndefined();
    ahead = 120_000;
    const items = (await attention('&kind=order_late')).filter((i) =>
      [first.id, second.id].includes(i.order_id),
    );
    expect(items.map((i) => i.order_id)).toEqual([first.id, second.id]);
    const late = items[0] as Item;
    expect(late.detail).toMatchObject({ reason: 'not_accepted', status: 'authorized' });
    expect(late.overdue_s).toBeGreaterThanOrEqual(55);
    expect(late.actions).toEqual(['cancel_refund', 'extend_deadline']);
    // Filtered by store: another store's list does not have it.
    const other = await openShop(t, { stock: [1] });
    expect(
      (await attention(`&store_id=${other.storeId}`)).some((i) => i.order_id === first.id),
    ).toBe(false);
    await moveOrder(t, shop, first.id, 'accept');
    expect(await itemOf(first.id, 'order_late')).toBeUndefined();
    expect(await itemOf(second.id, 'order_late')).toBeDefined();
    // Accepted, and then past the window promised at checkout.
    ahead = 3 * 3600_000;
    const past = await itemOf(first.id, 'order_late');
    expect(past?.detail).toMatchObject({ reason: 'promise_window', status: 'accepted' });
    expect(past?.since).toBe(
      (await ordersFor(t.platform.ctx).find(first.id))?.promise_to?.toISOString(),
    );
  });

  it('is for ops only', async () => {
    for (const token of [customer, await t.tokenFor('driver'), shop.storeToken]) {
      const res = await t.request({ method: 'GET', url: '/v1/ops/attention', token });
      expect(res.statusCode).toBe(403);
    }
  });
});

describe('POST /v1/orders/{id}/deadline', () => {
  it('extends the phase once per key, audited; the sweep and the list leave the order alone', async () => {
    ahead = 0;
    const o = await paidOrderAt(t, shop, { token: customer });
    ahead = 120_000;
    expect(await itemOf(o.id, 'order_late')).toBeDefined();
    const url = `/v1/orders/${o.id}/deadline`;
    const body = { minutes: 10, reason: 'the store called: the rider is on the way' };
    const first = await post(url, body, `deadline-${o.id}`);
    expect(first.statusCode).toBe(200);
    const row = await ordersFor(t.platform.ctx).find(o.id);
    const phaseEnd = (row?.status_at.getTime() ?? 0) + 900_000;
    expect(first.json()).toMatchObject({
      status: 'authorized',
      deadline_at: new Date(phaseEnd + 600_000).toISOString(),
    });
    const again = await post(url, body, `deadline-${o.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(await itemOf(o.id, 'order_late')).toBeUndefined();
    // The sweep would end any order longer than 0 s authorized, but not this one.
    expect(await ordersFor(t.platform.ctx).overdue('authorized', 0, 1000)).not.toContain(o.id);
    const audit = await auditEntries(t, ops, `action=order.extend_deadline&target_id=${o.id}`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      reason: body.reason,
      before: { status: 'authorized' },
      after: { status: 'authorized', minutes: 10 },
    });
    expect(await auditedInTimeline(o.id)).toEqual(['order.extend_deadline']);
    // Past the extension it is late again, and says so.
    ahead = phaseEnd + 600_000 - Date.now() + 5000;
    expect((await itemOf(o.id, 'order_late'))?.detail.reason).toBe('extension_passed');
  });

  it('refuses unsafe states, too many minutes and non-ops callers', async () => {
    ahead = 0;
    const o = await paidOrderAt(t, shop, { token: customer });
    const url = `/v1/orders/${o.id}/deadline`;
    const tooMany = await post(url, { minutes: 61, reason: 'long' }, `long-${o.id}`);
    expect(tooMany.statusCode).toBe(400);
    for (const token of [customer, await t.tokenFor('driver'), shop.storeToken])
      expect((await post(url, { minutes: 5, reason: 'x' }, `no-${o.id}`, token)).statusCode).toBe(
        403,
      );
    const cancel = await post(`/v1/orders/${o.id}/cancel`, { reason: 'test' }, `c-${o.id}`);
    expect(cancel.statusCode).toBe(200);
    const ended = await post(url, { minutes: 5, reason: 'too late' }, `ended-${o.id}`);
    expect(ended.statusCode).toBe(409);
    expect(await auditEntries(t, ops, `action=order.extend_deadline&target_id=${o.id}`)).toEqual(
      [],
    );
  });
});

describe('POST /v1/ops/workflows/{id}/retry', () => {
  const workflowStatus = async (id: string) => (await DBOS.getWorkflowStatus(id))?.status;

  it('finds a compensation stuck on the payment provider and runs it again, once', async () => {
    ahead = 0;
    const o = await paidOrderAt(t, shop, { token: customer });
    const wf = `order:${o.id}:compensate`;
    // The provider cannot void: its payment row is held (a statement there waits, then fails).
    const held = await holdPaymentRow(t, o.id);
    try {
      expect(
        (await post(`/v1/orders/${o.id}/cancel`, { reason: 'gone' }, `c-${o.id}`)).statusCode,
      ).toBe(200);
      const item = await waitFor(() => itemOf(o.id, 'workflow_stuck'), 20_000, 'stuck listed');
      expect(item.detail).toMatchObject({
        workflow_id: wf,
        name: 'orders.compensate',
        status: 'PENDING',
      });
      // Canceled: nothing to cancel, extend or reassign; the workflow can be run again.
      expect(item.actions).toEqual(['retry_step']);
      const url = `/v1/ops/workflows/${encodeURIComponent(wf)}/retry`;
      const first = await post(url, { reason: 'provider back' }, `retry-${o.id}`);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ workflow_id: wf, order_id: o.id, from_step: null });
      const replay = await post(url, { reason: 'provider back' }, `retry-${o.id}`);
      expect(replay.json()).toEqual(first.json());
    } finally {
      await held.release();
    }
    await waitFor(async () => (await workflowStatus(wf)) === 'SUCCESS', 30_000, 'compensated');
    expect(await itemOf(o.id, 'workflow_stuck')).toBeUndefined();
    const url = `/v1/ops/workflows/${encodeURIComponent(wf)}/retry`;
    const done = await post(url, { reason: 'again' }, `retry-again-${o.id}`);
    expect(done.statusCode).toBe(409);
    const audit = await auditEntries(
      t,
      ops,
      `action=workflow.retry&target_id=${encodeURIComponent(wf)}`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: 'provider back', before: { status: 'PENDING' } });
    expect(await auditedInTimeline(o.id)).toEqual(['order.cancel', 'workflow.retry']);
  }, 60_000);

  it('rewinds a compensation that failed to its failed step, which runs once, and the order ends', async () => {
    ahead = 0;
    const o = await paidOrderAt(t, shop, { token: customer });
    const wf = `order:${o.id}:compensate`;
    const url = `/v1/ops/workflows/${encodeURIComponent(wf)}/retry`;
    // The stock cannot be given back (its reservation is held): the release step fails its tries
    // and the workflow fails there.
    const held = await holdReservationOf(t, o.id);
    let failedStep: { step: number; name: string };
    try {
      const cancel = await post(`/v1/orders/${o.id}/cancel`, { reason: 'gone' }, `ce-${o.id}`);
      expect(cancel.statusCode).toBe(200);
      await waitFor(async () => (await workflowStatus(wf)) === 'ERROR', 20_000, 'failed');
      const item = await waitFor(() => itemOf(o.id, 'workflow_stuck'), 10_000, 'failed listed');
      expect(item.detail).toMatchObject({ workflow_id: wf, status: 'ERROR' });
      failedStep = item.detail.failed_step as typeof failedStep;
      expect(failedStep.name).toBe('inventory.release');
    } finally {
      await held.release();
    }
    const retriedAt = Date.now();
    const first = await post(url, { reason: 'the stock is free' }, `retry-e-${o.id}`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ workflow_id: wf, from_step: failedStep.step });
    expect((await post(url, { reason: 'the stock is free' }, `retry-e-${o.id}`)).json()).toEqual(
      first.json(),
    );
    await waitFor(async () => (await workflowStatus(wf)) === 'SUCCESS', 30_000, 'compensated');
    // Each step recorded once, without error: those before the failed one kept their results,
    // the failed one and those after it ran after the retry.
    const steps = (await DBOS.listWorkflowSteps(wf)) ?? [];
    expect(steps.map((s) => [s.name, s.error])).toEqual([
      ['orders.load', null],
      ['inventory.release', null],
      ['payments.void', null],
      ['orders.release_substitutes', null],
    ]);
    for (const s of steps)
      if (s.functionID < failedStep.step) expect(s.completedAtEpochMs).toBeLessThan(retriedAt);
      else expect(s.startedAtEpochMs).toBeGreaterThanOrEqual(retriedAt);
    // The order moved on: its authorization voided, off the list; retried once in the log.
    const payment = await t.request({
      method: 'GET',
      url: `/v1/orders/${o.id}/payment`,
      token: customer,
    });
    expect(payment.json().status).toBe('voided');
    expect(await itemOf(o.id, 'workflow_stuck')).toBeUndefined();
    const audit = await auditEntries(
      t,
      ops,
      `action=workflow.retry&target_id=${encodeURIComponent(wf)}`,
    );
    expect(audit).toMatchObject([
      { before: { status: 'ERROR' }, after: { from_step: failedStep.step } },
    ]);
  }, 60_000);

  it('refuses what is not an order workflow, and non-ops callers', async () => {
    const url = `/v1/ops/workflows/${encodeURIComponent('order:0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10:settle')}/retry`;
    expect((await post(url, { reason: 'x' }, 'missing-wf')).statusCode).toBe(404);
    const other = `/v1/ops/workflows/${encodeURIComponent('support.ticket_escalation:1')}/retry`;
    expect((await post(other, { reason: 'x' }, 'other-wf')).statusCode).toBe(400);
    for (const token of [customer, await t.tokenFor('driver'), shop.storeToken])
      expect((await post(url, { reason: 'x' }, 'no-wf', token)).statusCode).toBe(403);
  });
});
