import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { createDatabase, type Database } from '../../platform/db/pool.ts';
import { verifyWebhook } from '../../platform/http/webhook-signature.ts';
import { type FakeProvider, fakeProvider } from './fake-provider.ts';
import { TEST_CARD_TOKENS, testCardsDoc } from './fakepay-cards.ts';
import { ProviderRejectedError, ProviderUnavailableError } from './payment-provider.ts';

let tdb: TestDatabase;
let database: Database;
let fake: FakeProvider;
const SECRET = 'test-webhook-secret-0123456789abcdef';

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = createDatabase(tdb.url, { poolSize: 20 });
  fake = fakeProvider({ db: database.db, webhookSecret: SECRET, slowDelayMs: 20 });
});
afterAll(async () => {
  await database?.close();
  await tdb?.drop();
});

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (e instanceof ProviderRejectedError ? e.reason : e),
  );
const count = async (reference: string) =>
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM fakepay_payments WHERE reference = ${reference}`.execute(
      database.db,
    )
  ).rows[0]?.n;

async function authorized(amountMinor = 1000, cardToken = 'tok_visa') {
  const ref = uuidv7();
  const r = await fake.authorize({
    amountMinor,
    currency: 'EUR',
    cardToken,
    idempotencyKey: `${ref}:authorize`,
    reference: ref,
  });
  if (r.status !== 'authorized') throw new Error('expected an authorization');
  return { ref, id: r.providerPaymentId };
}

describe('fake provider', () => {
  it('authorizes the success cards and declines the others with a typed reason', async () => {
    for (const card of ['tok_visa', '4242424242424242']) {
      const ref = uuidv7();
      expect(
        await fake.authorize({
          amountMinor: 500,
          currency: 'EUR',
          cardToken: card,
          idempotencyKey: ref,
          reference: ref,
        }),
      ).toMatchObject({ status: 'authorized', amountMinor: 500 });
    }
    const cases = [
      ['tok_decline', 'card_declined'],
      ['4000000000000002', 'card_declined'],
      ['tok_insufficient', 'insufficient_funds'],
      ['4000000000009995', 'insufficient_funds'],
      ['tok_unknown_card', 'card_declined'],
    ] as const;
    for (const [card, reason] of cases) {
      const ref = uuidv7();
      expect(
        await fake.authorize({
          amountMinor: 500,
          currency: 'EUR',
          cardToken: card,
          idempotencyKey: ref,
          reference: ref,
        }),
      ).toMatchObject({ status: 'declined', reason });
    }
  });

  it('replays the stored response for a repeated key, concurrently too, and refuses the key with other parameters', async () => {
    const ref = uuidv7();
    const req = {
      amountMinor: 700,
      currency: 'EUR',
      cardToken: 'tok_visa',
      idempotencyKey: `${ref}:authorize`,
      reference: ref,
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => fake.authorize(req)));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(await count(ref)).toBe(1);
    expect(await rejection(fake.authorize({ ...req, amountMinor: 701 }))).toBe(
      'idempotency_key_reused',
    );
  });

  it('captures once, at most the authorized amount, releasing the rest; void only before capture', async () => {
    const { ref, id } = await authorized(1000);
    expect(await rejection(fake.capture(id, 1001, `${ref}:capture-too-much`))).toBe(
      'amount_exceeds_authorized',
    );
    expect(await fake.capture(id, 600, `${ref}:capture`)).toEqual({
      providerPaymentId: id,
      status: 'captured',
      capturedMinor: 600,
      releasedMinor: 400,
    });
    expect(await fake.capture(id, 600, `${ref}:capture`)).toMatchObject({ capturedMinor: 600 });
    expect(await rejection(fake.capture(id, 100, `${ref}:capture-2`))).toBe('invalid_state');
    expect(await rejection(fake.void(id, `${ref}:void`))).toBe('invalid_state');
    expect(await rejection(fake.capture('fp_missing', 1, `${ref}:missing`))).toBe('not_found');

    const other = await authorized(300);
    expect(await fake.void(other.id, `${other.ref}:void`)).toEqual({
      providerPaymentId: other.id,
      status: 'voided',
      releasedMinor: 300,
    });
    expect(await rejection(fake.capture(other.id, 300, `${other.ref}:capture`))).toBe(
      'invalid_state',
    );
  });

  it('refunds in parts up to the captured amount', async () => {
    const { ref, id } = await authorized(1000);
    await fake.capture(id, 800, `${ref}:capture`);
    expect(await fake.refund(id, 300, `${ref}:r1`)).toMatchObject({
      status: 'partially_refunded',
      amountMinor: 300,
      totalRefundedMinor: 300,
    });
    expect(await rejection(fake.refund(id, 501, `${ref}:r2`))).toBe('amount_exceeds_captured');
    expect(await fake.refund(id, 500, `${ref}:r2`)).toMatchObject({
      status: 'refunded',
      totalRefundedMinor: 800,
    });
    expect(await rejection(fake.refund(id, 1, `${ref}:r3`))).toBe('invalid_state');
    const [state] = await fake.retrieve([id]);
    expect(state).toMatchObject({
      status: 'refunded',
      authorizedMinor: 1000,
      capturedMinor: 800,
      refundedMinor: 800,
    });
  });

  it('netfail: does the work, loses the first answer, and replays the stored success on the retry', async () => {
    const ref = uuidv7();
    const req = {
      amountMinor: 900,
      currency: 'EUR',
      cardToken: '4000000000000119',
      idempotencyKey: `${ref}:authorize`,
      reference: ref,
    };
    await expect(fake.authorize(req)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await count(ref)).toBe(1);
    const retried = await fake.authorize(req);
    expect(retried.status).toBe('authorized');
    expect(await fake.authorize(req)).toEqual(retried);
    expect(await count(ref)).toBe(1);
    // Later calls on a netfail payment lose their first answer too.
    if (retried.status !== 'authorized') return;
    await expect(
      fake.capture(retried.providerPaymentId, 900, `${ref}:capture`),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(await fake.capture(retried.providerPaymentId, 900, `${ref}:capture`)).toMatchObject({
      capturedMinor: 900,
    });
  });

  it('slow: answers after the configured delay with a success', async () => {
    const ref = uuidv7();
    const started = Date.now();
    const r = await fake.authorize({
      amountMinor: 100,
      currency: 'EUR',
      cardToken: 'tok_slow',
      idempotencyKey: ref,
      reference: ref,
    });
    expect(r.status).toBe('authorized');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('records numbered events per payment and delivers them signed, retrying those the receiver refused', async () => {
    const { ref, id } = await authorized(1000);
    await fake.capture(id, 1000, `${ref}:capture`);
    await fake.refund(id, 250, `${ref}:refund`);
    const events = await fake.eventsOf(id);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'payment.authorized'],
      [2, 'payment.captured'],
      [3, 'payment.refunded'],
    ]);
    const received: string[] = [];
    let refuseFirst = true;
    const send = async (raw: string, signature: string) => {
      expect(verifyWebhook(SECRET, signature, raw, Math.floor(Date.now() / 1000))).toEqual({
        ok: true,
      });
      const body = JSON.parse(raw) as {
        id: string;
        data: { payment_id: string; sequence: number };
      };
      if (body.data.payment_id !== id) return;
      if (refuseFirst) {
        refuseFirst = false;
        throw new Error('receiver down');
      }
      received.push(`${body.data.sequence}`);
    };
    for (let i = 0; i < 5; i++) await fake.deliverWebhooks(send, 1000);
    expect(received).toEqual(['2', '3']);
    // The refused one waits for its backoff; make it due now and deliver again.
    await sql`UPDATE fakepay_events SET next_attempt_at = now() WHERE payment_id = ${id}`.execute(
      database.db,
    );
    await fake.deliverWebhooks(send, 1000);
    expect(received.sort()).toEqual(['1', '2', '3']);
  });
});

describe('the documented test cards', () => {
  it('lists every test token with what the provider really does with it', async () => {
    const lines = testCardsDoc().split('\n');
    expect(TEST_CARD_TOKENS).toContain('tok_visa');
    for (const token of TEST_CARD_TOKENS) {
      const line = lines.find((l) => l.startsWith(`- \`${token}\``)) ?? '';
      const answer = await fake
        .authorize({
          amountMinor: 500,
          currency: 'EUR',
          cardToken: token,
          idempotencyKey: uuidv7(),
          reference: uuidv7(),
        })
        .catch((e: unknown) => e);
      if (answer instanceof ProviderUnavailableError) expect(line, token).toMatch(/answer is lost/);
      else if ((answer as { status: string }).status === 'declined')
        expect(line, token).toContain(`declined with \`${(answer as { reason: string }).reason}\``);
      else expect(line, token).toMatch(/: authorized/);
    }
  });
});
