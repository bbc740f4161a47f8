import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { uuidv7 } from 'uuidv7';
import { type Clock, systemClock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { signWebhook } from '../../platform/http/webhook-signature.ts';
import { retryDelayMs } from '../../platform/retry.ts';
import { type FakepayPayment, fakepayRepository } from './fakepay.repository.ts';
import {
  type AuthorizeRequest,
  type AuthorizeResult,
  type CaptureResult,
  type DeclineReason,
  type PaymentProvider,
  type ProviderPaymentState,
  ProviderRejectedError,
  ProviderUnavailableError,
  type RefundResult,
  type VoidResult,
} from './payment-provider.ts';

export const FAKEPAY = 'fakepay';

/** Webhook event types the fake provider sends. */
export const FakepayEvents = {
  AUTHORIZED: 'payment.authorized',
  CAPTURED: 'payment.captured',
  VOIDED: 'payment.voided',
  REFUNDED: 'payment.refunded',
} as const;

type Card = 'visa' | 'decline' | 'insufficient' | 'slow' | 'netfail' | 'unknown';

/** Test cards, by token or by test card number (the numbers Stripe documents for the same cases). */
export const TEST_CARDS: Readonly<Record<string, Card>> = {
  tok_visa: 'visa',
  '4242424242424242': 'visa',
  tok_decline: 'decline',
  '4000000000000002': 'decline',
  tok_insufficient: 'insufficient',
  '4000000000009995': 'insufficient',
  tok_slow: 'slow',
  '4000000000000077': 'slow',
  tok_netfail: 'netfail',
  '4000000000000119': 'netfail',
};

const DECLINES: Partial<Record<Card, DeclineReason>> = {
  decline: 'card_declined',
  insufficient: 'insufficient_funds',
  unknown: 'card_declined',
};

export interface FakeProviderOptions {
  db: Db;
  /** Secret the webhooks are signed with. */
  webhookSecret: string;
  clock?: Clock;
  /** How long the slow test card takes to answer (tests pass a short one). */
  slowDelayMs?: number;
}

/** Sends one signed webhook; throws when the receiver did not accept it (it will be redelivered). */
export type WebhookSender = (rawBody: string, signatureHeader: string) => Promise<void>;

const providerId = (prefix: string) => `${prefix}_${uuidv7().replace(/-/g, '')}`;
const MAX_DELIVERY_ATTEMPTS = 12;
const DELIVERY_BACKOFF = { initialDelayMs: 2000, maxDelayMs: 300_000 };

function state(p: FakepayPayment): ProviderPaymentState {
  return {
    providerPaymentId: p.id,
    reference: p.reference,
    status: p.status,
    currency: p.currency,
    authorizedMinor: p.authorized_minor,
    capturedMinor: p.captured_minor,
    refundedMinor: p.refunded_minor,
  };
}

/**
 * A fake PSP that behaves like a real one: durable state in its own tables, idempotency keys with
 * stored responses, its own money rules, test cards for the unhappy paths and signed webhooks that
 * arrive late, twice or out of order. It shares only the database server with lastmile.
 */
export function fakeProvider(opts: FakeProviderOptions) {
  const { db } = opts;
  const clock = opts.clock ?? systemClock;
  const slowDelayMs = opts.slowDelayMs ?? 3000;

  /**
   * Runs `work` once per idempotency key. The key is claimed in the same transaction as the work, so
   * a concurrent repeat waits and then replays the stored response; a repeat with other parameters
   * is refused. A rejected request rolls back and stores nothing, so it can be retried.
   */
  async function once<R>(
    key: string,
    operation: string,
    params: Record<string, unknown>,
    work: (trx: Db) => Promise<{ response: R; payment: FakepayPayment }>,
  ) {
    const hash = requestHash(key, operation, params);
    return db.transaction().execute(async (trx) => {
      const repo = fakepayRepository(trx);
      if (!(await repo.claimRequest(key, operation, hash)))
        return { response: await replay<R>(trx, key, hash), fresh: false, card: null };
      const { response, payment } = await work(trx);
      await repo.storeResponse(key, payment.id, response);
      return { response, fresh: true, card: payment.card };
    });
  }

  function requestHash(key: string, operation: string, params: Record<string, unknown>): string {
    if (!key) throw new ProviderRejectedError('invalid_request', 'an idempotency key is required');
    return createHash('sha256')
      .update(JSON.stringify({ operation, ...params }))
      .digest('hex');
  }

  /** The stored response of a key used before, or a refusal when it was used for another request. */
  async function replay<R>(trx: Db, key: string, hash: string): Promise<R> {
    const stored = await fakepayRepository(trx).findRequest(key);
    if (stored?.params_hash !== hash)
      throw new ProviderRejectedError(
        'idempotency_key_reused',
        `idempotency key ${key} was used for another request`,
      );
    return stored.response as R;
  }

  /** The netfail card: the work is committed, then the answer is lost on the way back (first call per key only). */
  function deliver<R>(r: { response: R; fresh: boolean; card: string | null }): R {
    if (r.fresh && r.card === 'netfail')
      throw new ProviderUnavailableError(
        'fakepay: connection reset after the request was processed',
      );
    return r.response;
  }

  const snapshot = (
    p: Pick<
      FakepayPayment,
      | 'id'
      | 'reference'
      | 'status'
      | 'currency'
      | 'authorized_minor'
      | 'captured_minor'
      | 'refunded_minor'
    >,
  ) => ({
    payment_id: p.id,
    reference: p.reference,
    status: p.status,
    currency: p.currency,
    authorized_minor: p.authorized_minor,
    captured_minor: p.captured_minor,
    refunded_minor: p.refunded_minor,
  });

  async function emit(
    trx: Db,
    p: FakepayPayment,
    type: string,
    amountMinor: number,
  ): Promise<void> {
    await fakepayRepository(trx).insertEvent({
      id: providerId('evt'),
      payment_id: p.id,
      seq: p.event_seq,
      type,
      payload: { ...snapshot(p), sequence: p.event_seq, amount_minor: amountMinor },
    });
  }

  /** Why a conditional update changed nothing: the provider's error for it. */
  async function refusal(
    trx: Db,
    id: string,
    amountRule: 'amount_exceeds_authorized' | 'amount_exceeds_captured' | null,
    wanted: string[],
  ) {
    const p = await fakepayRepository(trx).find(id);
    if (!p) return new ProviderRejectedError('not_found', `no payment ${id}`);
    if (!wanted.includes(p.status) || !amountRule)
      return new ProviderRejectedError('invalid_state', `payment ${id} is ${p.status}`);
    return new ProviderRejectedError(amountRule, `amount exceeds what payment ${id} allows`);
  }

  function checkAmount(amountMinor: number): void {
    if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)
      throw new ProviderRejectedError(
        'invalid_request',
        'amount must be a whole number of minor units above 0',
      );
  }

  const provider = {
    name: FAKEPAY,

    async authorize(req: AuthorizeRequest): Promise<AuthorizeResult> {
      checkAmount(req.amountMinor);
      if (!/^[A-Z]{3}$/.test(req.currency))
        throw new ProviderRejectedError('invalid_request', 'currency must be an ISO 4217 code');
      const card: Card = TEST_CARDS[req.cardToken] ?? 'unknown';
      if (card === 'slow') await sleep(slowDelayMs);
      const params = {
        amountMinor: req.amountMinor,
        currency: req.currency,
        cardToken: req.cardToken,
        reference: req.reference,
      };
      const hash = requestHash(req.idempotencyKey, 'authorize', params);
      // Everything an authorization writes is known up front, so it is one statement (the hot
      // path of every checkout); the other operations depend on the payment's state and run in `once`.
      const reason = DECLINES[card];
      const base = { id: providerId('fp'), reference: req.reference, card, currency: req.currency };
      const payment = reason
        ? {
            ...base,
            status: 'declined' as const,
            decline_reason: reason,
            authorized_minor: 0,
            event_seq: 0,
          }
        : {
            ...base,
            status: 'authorized' as const,
            decline_reason: null,
            authorized_minor: req.amountMinor,
            event_seq: 1,
          };
      const response: AuthorizeResult = reason
        ? { status: 'declined', reason, providerPaymentId: base.id }
        : {
            status: 'authorized',
            providerPaymentId: base.id,
            amountMinor: req.amountMinor,
            currency: req.currency,
          };
      const event = reason
        ? null
        : {
            id: providerId('evt'),
            seq: 1,
            type: FakepayEvents.AUTHORIZED,
            payload: {
              ...snapshot({ ...payment, captured_minor: 0, refunded_minor: 0 }),
              sequence: 1,
              amount_minor: req.amountMinor,
            },
          };
      const repo = fakepayRepository(db);
      if (
        await repo.insertPaymentOnce(
          { key: req.idempotencyKey, operation: 'authorize', paramsHash: hash, response },
          payment,
          event,
        )
      ) {
        return deliver({ response, fresh: true, card });
      }
      return replay<AuthorizeResult>(db, req.idempotencyKey, hash);
    },

    async capture(
      providerPaymentId: string,
      amountMinor: number,
      idempotencyKey: string,
    ): Promise<CaptureResult> {
      checkAmount(amountMinor);
      const r = await once<CaptureResult>(
        idempotencyKey,
        'capture',
        { providerPaymentId, amountMinor },
        async (trx) => {
          const payment = await fakepayRepository(trx).capture(providerPaymentId, amountMinor);
          if (!payment)
            throw await refusal(trx, providerPaymentId, 'amount_exceeds_authorized', [
              'authorized',
            ]);
          await emit(trx, payment, FakepayEvents.CAPTURED, amountMinor);
          const releasedMinor = payment.authorized_minor - amountMinor;
          return {
            payment,
            response: {
              providerPaymentId,
              status: 'captured',
              capturedMinor: amountMinor,
              releasedMinor,
            },
          };
        },
      );
      return deliver(r);
    },

    async void(providerPaymentId: string, idempotencyKey: string): Promise<VoidResult> {
      const r = await once<VoidResult>(
        idempotencyKey,
        'void',
        { providerPaymentId },
        async (trx) => {
          const payment = await fakepayRepository(trx).void(providerPaymentId);
          if (!payment) throw await refusal(trx, providerPaymentId, null, ['authorized']);
          await emit(trx, payment, FakepayEvents.VOIDED, payment.authorized_minor);
          return {
            payment,
            response: {
              providerPaymentId,
              status: 'voided',
              releasedMinor: payment.authorized_minor,
            },
          };
        },
      );
      return deliver(r);
    },

    async refund(
      providerPaymentId: string,
      amountMinor: number,
      idempotencyKey: string,
    ): Promise<RefundResult> {
      checkAmount(amountMinor);
      const r = await once<RefundResult>(
        idempotencyKey,
        'refund',
        { providerPaymentId, amountMinor },
        async (trx) => {
          const payment = await fakepayRepository(trx).refund(providerPaymentId, amountMinor);
          if (!payment)
            throw await refusal(trx, providerPaymentId, 'amount_exceeds_captured', [
              'captured',
              'partially_refunded',
            ]);
          await emit(trx, payment, FakepayEvents.REFUNDED, amountMinor);
          const status = payment.status === 'refunded' ? 'refunded' : 'partially_refunded';
          const response = {
            providerPaymentId,
            providerRefundId: providerId('fpr'),
            status,
            amountMinor,
            totalRefundedMinor: payment.refunded_minor,
          } as const;
          return { payment, response };
        },
      );
      return deliver(r);
    },

    async retrieve(providerPaymentIds: readonly string[]): Promise<ProviderPaymentState[]> {
      return (await fakepayRepository(db).findMany(providerPaymentIds)).map(state);
    },

    async findByReference(reference: string): Promise<ProviderPaymentState[]> {
      return (await fakepayRepository(db).findByReference(reference)).map(state);
    },
  } satisfies PaymentProvider;

  return {
    ...provider,
    /**
     * Sends due webhook events (oldest first) through `send`, each signed with the current time.
     * An event `send` rejects is retried later with backoff; after its attempts it is given up.
     */
    async deliverWebhooks(
      send: WebhookSender,
      limit = 50,
    ): Promise<{ delivered: number; failed: number }> {
      const repo = fakepayRepository(db);
      const due = await repo.leaseDueEvents(limit);
      let delivered = 0;
      for (const e of due) {
        const body = JSON.stringify({
          id: e.id,
          type: e.type,
          created: Math.floor(e.created_at.getTime() / 1000),
          data: e.payload,
        });
        try {
          await send(body, signWebhook(opts.webhookSecret, body, Math.floor(clock.now() / 1000)));
          await repo.markDelivered(e.id);
          delivered++;
        } catch (err) {
          await repo.markFailed(
            e.id,
            err instanceof Error ? err.message : String(err),
            MAX_DELIVERY_ATTEMPTS,
            // `attempts` already counts this one (the lease added it): 2 s, 4 s, … up to 5 min.
            retryDelayMs(e.attempts, DELIVERY_BACKOFF),
          );
        }
      }
      return { delivered, failed: due.length - delivered };
    },
    /** The events recorded for one payment, in sequence (tests and tooling). */
    eventsOf: (providerPaymentId: string) => fakepayRepository(db).eventsOf(providerPaymentId),
  };
}

export type FakeProvider = ReturnType<typeof fakeProvider>;
