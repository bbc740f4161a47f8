import { type Clock, systemClock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { SLOW_CARD_DELAY_MS } from './fakepay-cards.ts';
import {
  fakepayAuthorize,
  fakepayCapture,
  fakepayRefund,
  fakepayVoid,
} from './fakepay-operations.ts';
import {
  type FakepayPayment,
  fakepayEventsRepository,
  fakepayPaymentsRepository,
} from './fakepay.repository.ts';
import type { PaymentProvider, ProviderPaymentState } from './payment-provider.ts';
import { signWebhook } from '../../platform/http/webhook-signature.ts';
import { retryDelayMs } from '../../platform/retry.ts';

export const FAKEPAY = 'fakepay';

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
  const slowDelayMs = opts.slowDelayMs ?? SLOW_CARD_DELAY_MS;

  const provider = {
    name: FAKEPAY,
    authorize: (req) => fakepayAuthorize(db, req, slowDelayMs),
    capture: (providerPaymentId, amountMinor, idempotencyKey) =>
      fakepayCapture(db, providerPaymentId, amountMinor, idempotencyKey),
    void: (providerPaymentId, idempotencyKey) => fakepayVoid(db, providerPaymentId, idempotencyKey),
    refund: (providerPaymentId, amountMinor, idempotencyKey) =>
      fakepayRefund(db, providerPaymentId, amountMinor, idempotencyKey),

    async retrieve(providerPaymentIds: readonly string[]): Promise<ProviderPaymentState[]> {
      return (await fakepayPaymentsRepository(db).findMany(providerPaymentIds)).map(state);
    },

    async findByReference(reference: string): Promise<ProviderPaymentState[]> {
      return (await fakepayPaymentsRepository(db).findByReference(reference)).map(state);
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
      const repo = fakepayEventsRepository(db);
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
    eventsOf: (providerPaymentId: string) =>
      fakepayEventsRepository(db).eventsOf(providerPaymentId),
  };
}

export type FakeProvider = ReturnType<typeof fakeProvider>;
