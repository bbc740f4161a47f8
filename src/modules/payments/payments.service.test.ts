import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { createDatabase, type Database } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { type FakeProvider, fakeProvider } from './fake-provider.ts';
import { type PaymentProvider, ProviderUnavailableError } from './payment-provider.ts';
import { type PaymentsService, paymentsService } from './payments.service.ts';

let tdb: TestDatabase;
let database: Database;
let fake: FakeProvider;
let payments: PaymentsService;
const quick = { retries: 3, initialDelayMs: 5, maxDelayMs: 20 };

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = createDatabase(tdb.url, { poolSize: 30 });
  fake = fakeProvider({
    db: database.db,
    webhookSecret: 'test-webhook-secret-0123456789abcdef',
    slowDelayMs: 30,
  });
  payments = paymentsService({ db: database.db, provider: fake, resilience: quick });
});
afterAll(async () => {
  await database?.close();
  await tdb?.drop();
});

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof AppError ? e.code : e),
  );
const rows = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(database.db)).rows;
const ledger = (orderId: string) =>
  rows<{ kind: string; amount_minor: number }>(
    sql`SELECT kind, amount_minor FROM payment_ledger WHERE order_id = ${orderId} ORDER BY created_at, id`,
  );
const providerPayments = (orderId: string) =>
  rows<{ id: string; status: string }>(
    sql`SELECT id, status FROM fakepay_payments WHERE reference = ${orderId}`,
  );

async function authorized(amountMinor = 1000, cardToken = 'tok_visa') {
  const orderId = uuidv7();
  await payments.authorize({ orderId, amountMinor, currency: 'EUR', cardToken });
  return orderId;
}

describe('authorize with the test cards', () => {
  it('authorizes, records one ledger row and the event', async () => {
    const orderId = uuidv7();
    const res = await payments.authorize({
      orderId,
      amountMinor: 1250,
      currency: 'EUR',
      cardToken: 'tok_visa',
    });
    expect(res).toEqual({ paymentId: expect.any(String), status: 'authorized' });
    expect(await payments.get(orderId)).toMatchObject({
      id: res.paymentId,
      status: 'authorized',
      authorized_minor: 1250,
      captured_minor: 0,
      currency: 'EUR',
    });
    expect(await ledger(orderId)).toEqual([{ kind: 'authorize', amount_minor: 1250 }]);
    expect(await rows(sql`SELECT type FROM outbox WHERE aggregate_id = ${orderId}`)).toEqual([
      { type: 'payments.authorized' },
    ]);
  });

  it.each([
    ['tok_decline', 'card_declined'],
    ['tok_insufficient', 'insufficient_funds'],
  ])(
    '%s is declined with reason %s, recorded, and stays declined on a retry',
    async (cardToken, reason) => {
      const orderId = uuidv7();
      for (let i = 0; i < 2; i++) {
        const err = await payments
          .authorize({ orderId, amountMinor: 900, currency: 'EUR', cardToken })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect((err as AppError).code).toBe('PAYMENT_DECLINED');
        expect((err as AppError).details).toEqual({ reason });
      }
      expect(await payments.get(orderId)).toMatchObject({
        status: 'declined',
        decline_reason: reason,
        authorized_minor: 0,
      });
      expect(await ledger(orderId)).toEqual([]);
      expect(await providerPayments(orderId)).toHaveLength(1);
    },
  );

  it('authorizes a declined order on a later attempt with another card: one authorization', async () => {
    const orderId = uuidv7();
    const charge = { orderId, amountMinor: 600, currency: 'EUR' };
    const declined = { ...charge, cardToken: 'tok_decline' };
    expect(await codeOf(payments.authorize(declined))).toBe('PAYMENT_DECLINED');
    expect(await codeOf(payments.authorize({ ...declined, attempt: 2 }))).toBe('PAYMENT_DECLINED');
    const paid = { ...charge, cardToken: 'tok_visa', attempt: 3 };
    expect(await codeOf(payments.authorize(paid))).toBe('ok');
    expect(await codeOf(payments.authorize(paid))).toBe('ok');
    // An earlier attempt asked again is the provider's stored decline; the order stays paid.
    expect(await codeOf(payments.authorize(declined))).toBe('ok');
    expect(await payments.get(orderId)).toMatchObject({
      status: 'authorized',
      authorized_minor: 600,
      decline_reason: null,
    });
    expect(await ledger(orderId)).toEqual([{ kind: 'authorize', amount_minor: 600 }]);
    expect((await providerPayments(orderId)).map((p) => p.status).sort()).toEqual([
      'authorized',
      'declined',
      'declined',
    ]);
    expect((await payments.reconcile()).filter((m) => m.order_id === orderId)).toEqual([]);
  });

  it('the slow card succeeds (short delay injected)', async () => {
    const orderId = await authorized(400, 'tok_slow');
    expect((await payments.get(orderId))?.status).toBe('authorized');
  });

  it('netfail: the provider charged but the answer was lost; the retry gets the stored success, one charge, one ledger row', async () => {
    const orderId = await authorized(777, '4000000000000119');
    expect(await providerPayments(orderId)).toEqual([
      { id: expect.any(String), status: 'authorized' },
    ]);
    expect(await ledger(orderId)).toEqual([{ kind: 'authorize', amount_minor: 777 }]);
    // Capture on the same card loses its first answer too, and is still recorded once.
    await payments.capture({ orderId, amountMinor: 777 });
    expect(await ledger(orderId)).toEqual([
      { kind: 'authorize', amount_minor: 777 },
      { kind: 'capture', amount_minor: 777 },
    ]);
  });
});

describe('capture, void and refund', () => {
  it('captures at most the authorized amount and releases the rest of a partial capture', async () => {
    const orderId = await authorized(1000);
    expect(await codeOf(payments.capture({ orderId, amountMinor: 1001 }))).toBe('CONFLICT');
    const v = await payments.capture({ orderId, amountMinor: 600 });
    expect(v).toMatchObject({ status: 'captured', authorized_minor: 600, captured_minor: 600 });
    expect(v.movements.map((m) => [m.kind, m.amount_minor])).toEqual([
      ['authorize', 1000],
      ['capture', 600],
      ['void', 400],
    ]);
    expect(await payments.capture({ orderId, amountMinor: 600 })).toEqual(v);
    expect(await codeOf(payments.capture({ orderId, amountMinor: 500 }))).toBe('CONFLICT');
    expect((await fake.findByReference(orderId))[0]).toMatchObject({
      status: 'captured',
      capturedMinor: 600,
    });
  });

  it('a capture of 0 voids; void is idempotent and refused after a capture', async () => {
    const zero = await authorized(500);
    expect(await payments.capture({ orderId: zero, amountMinor: 0 })).toMatchObject({
      status: 'voided',
      authorized_minor: 0,
    });
    const orderId = await authorized(800);
    const voided = await payments.void({ orderId });
    expect(voided).toMatchObject({ status: 'voided', authorized_minor: 0, captured_minor: 0 });
    expect(await payments.void({ orderId })).toEqual(voided);
    expect(await codeOf(payments.capture({ orderId, amountMinor: 100 }))).toBe('CONFLICT');
    expect(
      await codeOf(
        payments.authorize({ orderId, amountMinor: 800, currency: 'EUR', cardToken: 'tok_visa' }),
      ),
    ).toBe('CONFLICT');
    const captured = await authorized(300);
    await payments.capture({ orderId: captured, amountMinor: 300 });
    expect(await codeOf(payments.void({ orderId: captured }))).toBe('CONFLICT');
    expect(await codeOf(payments.void({ orderId: uuidv7() }))).toBe('NOT_FOUND');
  });

  it('refunds in parts up to what was captured; a repeated refund is recognised; an over-refund is refused', async () => {
    const orderId = await authorized(1000);
    await payments.capture({ orderId, amountMinor: 1000 });
    expect(
      await payments.refund({ orderId, amountMinor: 300, reason: 'missing yoghurt' }),
    ).toMatchObject({ status: 'partially_refunded', refunded_minor: 300 });
    // The same call again (a retried step) is the same refund, not a second one.
    expect(
      await payments.refund({ orderId, amountMinor: 300, reason: 'missing yoghurt' }),
    ).toMatchObject({ refunded_minor: 300 });
    expect(
      await payments.refund({
        orderId,
        amountMinor: 300,
        reason: 'missing milk',
        refundKey: 'milk',
      }),
    ).toMatchObject({ refunded_minor: 600 });
    expect(await codeOf(payments.refund({ orderId, amountMinor: 401, reason: 'too much' }))).toBe(
      'CONFLICT',
    );
    expect(await payments.refund({ orderId, amountMinor: 400, reason: 'the rest' })).toMatchObject({
      status: 'refunded',
      refunded_minor: 1000,
    });
    expect(await codeOf(payments.refund({ orderId, amountMinor: 1, reason: 'one more' }))).toBe(
      'CONFLICT',
    );
    expect(
      (await ledger(orderId)).filter((l) => l.kind === 'refund').map((l) => l.amount_minor),
    ).toEqual([300, 300, 400]);
    expect((await fake.findByReference(orderId))[0]).toMatchObject({
      status: 'refunded',
      refundedMinor: 1000,
    });
  });

  it('the same call 20× concurrently moves money once', async () => {
    const orderId = uuidv7();
    const auths = await Promise.all(
      Array.from({ length: 20 }, () =>
        payments.authorize({ orderId, amountMinor: 2000, currency: 'EUR', cardToken: 'tok_visa' }),
      ),
    );
    expect(new Set(auths.map((a) => a.paymentId)).size).toBe(1);
    await Promise.all(
      Array.from({ length: 20 }, () => payments.capture({ orderId, amountMinor: 1500 })),
    );
    await Promise.all(
      Array.from({ length: 20 }, () =>
        payments.refund({ orderId, amountMinor: 200, reason: 'late' }),
      ),
    );
    expect(await ledger(orderId)).toEqual([
      { kind: 'authorize', amount_minor: 2000 },
      { kind: 'capture', amount_minor: 1500 },
      { kind: 'void', amount_minor: 500 },
      { kind: 'refund', amount_minor: 200 },
    ]);
    expect(await providerPayments(orderId)).toHaveLength(1);
    expect(await payments.get(orderId)).toMatchObject({
      authorized_minor: 1500,
      captured_minor: 1500,
      refunded_minor: 200,
    });
  });

  it('the database refuses amounts that break the invariant', async () => {
    const orderId = await authorized(100);
    const err = await sql`UPDATE payments SET captured_minor = 101 WHERE order_id = ${orderId}`
      .execute(database.db)
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('23514');
  });
});

describe('an unreachable provider', () => {
  // The provider does the work but every answer is lost on the way back.
  const lossy = (): PaymentProvider => ({
    ...fake,
    authorize: async (req) => {
      await fake.authorize(req).catch(() => undefined);
      throw new ProviderUnavailableError('connection reset');
    },
  });

  it('gives up after its retries with 503 + Retry-After; the saga retry or the compensation then finds what the provider did', async () => {
    const down = paymentsService({ db: database.db, provider: lossy(), resilience: quick });
    const retried = uuidv7();
    const err = await down
      .authorize({ orderId: retried, amountMinor: 640, currency: 'EUR', cardToken: 'tok_visa' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', retryAfterS: 2 });
    expect(await payments.get(retried)).toMatchObject({
      status: 'failed',
      provider_payment_id: null,
    });
    expect(
      await payments.authorize({
        orderId: retried,
        amountMinor: 640,
        currency: 'EUR',
        cardToken: 'tok_visa',
      }),
    ).toMatchObject({ status: 'authorized' });
    expect(await ledger(retried)).toEqual([{ kind: 'authorize', amount_minor: 640 }]);
    expect(await providerPayments(retried)).toHaveLength(1);

    const compensated = uuidv7();
    await down
      .authorize({ orderId: compensated, amountMinor: 350, currency: 'EUR', cardToken: 'tok_visa' })
      .catch(() => undefined);
    expect(await payments.void({ orderId: compensated })).toMatchObject({
      status: 'voided',
      authorized_minor: 0,
    });
    expect(await ledger(compensated)).toEqual([
      { kind: 'authorize', amount_minor: 350 },
      { kind: 'void', amount_minor: 350 },
    ]);
    expect(await providerPayments(compensated)).toEqual([
      { id: expect.any(String), status: 'voided' },
    ]);
  });

  it('opens the circuit after consecutive failures and then fails fast without calling the provider', async () => {
    let calls = 0;
    const dead: PaymentProvider = {
      ...lossy(),
      authorize: async () => {
        calls++;
        throw new ProviderUnavailableError('connection refused');
      },
    };
    const down = paymentsService({
      db: database.db,
      provider: dead,
      resilience: { ...quick, retries: 0, breakAfter: 2, halfOpenAfterMs: 30_000 },
    });
    const attempt = () =>
      down
        .authorize({ orderId: uuidv7(), amountMinor: 100, currency: 'EUR', cardToken: 'tok_visa' })
        .catch((e: unknown) => e);
    await attempt();
    await attempt();
    expect(calls).toBe(2);
    expect(await attempt()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', retryAfterS: 30 });
    expect(calls).toBe(2);
  });
});

describe('reconciliation', () => {
  it('finds nothing when ledger, columns and provider agree', async () => {
    expect(await payments.reconcile()).toEqual([]);
  });

  it('lists the payments whose columns, ledger or provider record were changed behind its back', async () => {
    const a = await authorized(1000);
    await payments.capture({ orderId: a, amountMinor: 1000 });
    await sql`UPDATE payments SET captured_minor = captured_minor - 100 WHERE order_id = ${a}`.execute(
      database.db,
    );
    const b = await authorized(500);
    await sql`UPDATE fakepay_payments SET authorized_minor = 450 WHERE reference = ${b}`.execute(
      database.db,
    );
    const c = await authorized(200);
    await sql`UPDATE payment_ledger SET amount_minor = 150 WHERE order_id = ${c}`.execute(
      database.db,
    );

    const found = await payments.reconcile();
    const brief = found.map((m) => [m.order_id, m.kind, m.field, m.expected, m.actual]);
    expect(brief).toEqual(
      expect.arrayContaining([
        [a, 'ledger', 'captured_minor', 1000, 900],
        [a, 'provider', 'captured_minor', 1000, 900],
        [b, 'provider', 'authorized_minor', 450, 500],
        [c, 'ledger', 'authorized_minor', 150, 200],
      ]),
    );
    expect(new Set(found.map((m) => m.order_id))).toEqual(new Set([a, b, c]));
  });
});
