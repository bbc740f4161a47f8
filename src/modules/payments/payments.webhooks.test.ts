import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { signWebhook } from '../../platform/http/webhook-signature.ts';
import { paymentsFor } from './index.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await t?.stop();
});

const URL_ = '/v1/payments/webhooks/fakepay';
const now = () => Math.floor(Date.now() / 1000);

function event(paymentId: string, sequence: number, status: string, id = `evt_${uuidv7()}`) {
  return JSON.stringify({
    id,
    type: `payment.${status}`,
    created: now(),
    data: { payment_id: paymentId, sequence, status, extra_field_from_a_newer_api: true },
  });
}
function post(body: string, signature?: string) {
  return t.request({
    method: 'POST',
    url: URL_,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...(signature === undefined ? {} : { 'fakepay-signature': signature }),
    },
    payload: body,
  });
}
const signed = (body: string, at = now(), secret = t.config.fakepayWebhookSecret) =>
  post(body, signWebhook(secret, body, at));
const providerState = async (orderId: string) =>
  (
    await sql<{
      provider_status: string | null;
      provider_seq: number;
    }>`SELECT provider_status, provider_seq FROM payments WHERE order_id = ${orderId}`.execute(
      t.platform.ctx.db,
    )
  ).rows[0];

async function authorizedPayment() {
  const orderId = uuidv7();
  await paymentsFor(t.platform.ctx).authorize({
    orderId,
    amountMinor: 1500,
    currency: 'EUR',
    cardToken: 'tok_visa',
  });
  const view = await paymentsFor(t.platform.ctx).get(orderId);
  if (!view?.provider_payment_id) throw new Error('no provider payment');
  // Let the worker's own delivery land first, so the synthetic events below race nothing.
  await waitFor(
    async () => (await providerState(orderId))?.provider_seq === 1,
    10_000,
    'authorized webhook',
  );
  return { orderId, providerPaymentId: view.provider_payment_id };
}

describe('fakepay webhooks over HTTP', () => {
  it('the worker delivers the provider events in process and the payment records what was confirmed', async () => {
    const { orderId } = await authorizedPayment();
    expect(await providerState(orderId)).toEqual({
      provider_status: 'authorized',
      provider_seq: 1,
    });
    await paymentsFor(t.platform.ctx).capture({ orderId, amountMinor: 1000 });
    await waitFor(
      async () => (await providerState(orderId))?.provider_status === 'captured',
      10_000,
      'captured webhook',
    );
    expect(await providerState(orderId)).toEqual({ provider_status: 'captured', provider_seq: 2 });
  });

  it('applies an event once: a replay is acknowledged and changes nothing', async () => {
    const { orderId, providerPaymentId } = await authorizedPayment();
    const body = event(providerPaymentId, 50, 'captured');
    const first = await signed(body);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ outcome: 'applied' });
    const again = await signed(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ outcome: 'duplicate' });
    expect(await providerState(orderId)).toEqual({ provider_status: 'captured', provider_seq: 50 });
    const inbox = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM payment_webhook_events WHERE event_id = ${first.json().event_id}`.execute(
      t.platform.ctx.db,
    );
    expect(inbox.rows[0]?.n).toBe(1);
  });

  it('records but ignores an event older than the last one applied for the payment', async () => {
    const { orderId, providerPaymentId } = await authorizedPayment();
    expect((await signed(event(providerPaymentId, 61, 'refunded'))).json()).toMatchObject({
      outcome: 'applied',
    });
    const late = await signed(event(providerPaymentId, 60, 'captured'));
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({ outcome: 'out_of_order' });
    expect(await providerState(orderId)).toEqual({ provider_status: 'refunded', provider_seq: 61 });
    const kept = await sql<{
      applied: boolean;
    }>`SELECT applied FROM payment_webhook_events WHERE event_id = ${late.json().event_id}`.execute(
      t.platform.ctx.db,
    );
    expect(kept.rows).toEqual([{ applied: false }]);
  });

  it('refuses a missing, malformed, wrong or stale signature with 401 and records nothing', async () => {
    const { orderId, providerPaymentId } = await authorizedPayment();
    const body = event(providerPaymentId, 70, 'voided');
    const before = await providerState(orderId);
    const cases = [
      await post(body),
      await post(body, 'garbage'),
      await signed(body, now(), 'another-secret-of-at-least-32-characters'),
      await post(
        body.replace('voided', 'captured'),
        signWebhook(t.config.fakepayWebhookSecret, body, now()),
      ),
      await signed(body, now() - 301),
      await signed(body, now() + 400),
    ];
    for (const res of cases) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('UNAUTHENTICATED');
    }
    expect(cases[4]?.json().detail).toContain('stale');
    expect(await providerState(orderId)).toEqual(before);
  });

  it('answers 400 to a signed body that is not an event and 409 to an event for a payment it does not know yet', async () => {
    const notJson = await signed('{"id":');
    expect(notJson.statusCode).toBe(400);
    const incomplete = await signed(
      JSON.stringify({ id: 'evt_1', type: 'payment.captured', data: {} }),
    );
    expect(incomplete.statusCode).toBe(400);
    const unknown = await signed(event('fp_unknown', 1, 'authorized'));
    expect(unknown.statusCode).toBe(409);
  });
});

describe('reconciliation route', () => {
  it('is for ops only and reports no mismatch when all agrees', async () => {
    const customer = await t.tokenFor('customer');
    expect(
      (await t.request({ method: 'GET', url: '/v1/ops/payments/reconciliation', token: customer }))
        .statusCode,
    ).toBe(403);
    const ops = await t.tokenFor('ops');
    const res = await t.request({
      method: 'GET',
      url: '/v1/ops/payments/reconciliation',
      token: ops,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true, mismatches: [] });
    const { orderId } = await authorizedPayment();
    await sql`UPDATE payments SET authorized_minor = 1400 WHERE order_id = ${orderId}`.execute(
      t.platform.ctx.db,
    );
    const bad = (
      await t.request({
        method: 'GET',
        url: '/v1/ops/payments/reconciliation?limit=50',
        token: ops,
      })
    ).json();
    expect(bad.ok).toBe(false);
    expect(bad.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          order_id: orderId,
          kind: 'ledger',
          field: 'authorized_minor',
          expected: 1500,
          actual: 1400,
        }),
        expect.objectContaining({
          order_id: orderId,
          kind: 'provider',
          field: 'authorized_minor',
          expected: 1500,
          actual: 1400,
        }),
      ]),
    );
  });
});
