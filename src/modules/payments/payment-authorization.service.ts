import { uuidv7 } from 'uuidv7';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import { coalescer } from '../../platform/db/coalescer.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { checkAmount, checkOrderId, notFound, settled } from './payment-checks.ts';
import { paymentKeys } from './payment-keys.ts';
import type { AuthorizeResult, PaymentProvider } from './payment-provider.ts';
import { eventOf } from './payment-view.ts';
import { PaymentEventDefs } from './payments.events.ts';
import { type AuthorizedItem, type PaymentRow, paymentsRepository } from './payments.repository.ts';
import type { ProviderCall } from './provider-policy.ts';

export interface AuthorizationDeps {
  db: Db;
  repo: ReturnType<typeof paymentsRepository>;
  provider: PaymentProvider;
  call: ProviderCall;
}

/** The columns every row of an authorization attempt shares. */
interface Attempt {
  order_id: string;
  currency: string;
  provider: string;
}

/** A decline, recorded once with its event; the row there (ours or a concurrent repeat's). */
async function recordDeclined(
  db: Db,
  base: Attempt,
  result: Extract<AuthorizeResult, { status: 'declined' }>,
): Promise<PaymentRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const tx = paymentsRepository(trx);
    const r = await tx.upsert({
      ...base,
      id: uuidv7(),
      status: 'declined',
      authorized_minor: 0,
      decline_reason: result.reason,
      provider_payment_id: result.providerPaymentId ?? null,
    });
    if (r) await writeOutbox(trx, [eventOf(PaymentEventDefs.DECLINED, r, 0, result.reason)]);
    return r ?? tx.findByOrder(base.order_id);
  });
}

/** The provider's answer for the order; an unknown outcome is remembered, then thrown. */
async function askProvider(
  deps: AuthorizationDeps,
  base: Attempt,
  input: { amountMinor: number; cardToken: string; attempt?: number },
): Promise<AuthorizeResult> {
  try {
    return await deps.call('authorize', () =>
      deps.provider.authorize({
        amountMinor: input.amountMinor,
        currency: base.currency,
        cardToken: input.cardToken,
        idempotencyKey: paymentKeys.authorizeAttempt(base.order_id, input.attempt ?? 1),
        reference: base.order_id,
      }),
    );
  } catch (err) {
    // Unknown outcome: remember the attempt, so a void can later ask the provider what happened.
    if (isAppError(err) && err.code === 'DEPENDENCY_UNAVAILABLE') {
      await deps.repo.upsert({
        ...base,
        id: uuidv7(),
        status: 'failed',
        authorized_minor: 0,
        decline_reason: null,
        provider_payment_id: null,
      });
    }
    throw err;
  }
}

/**
 * Authorizing an order's amount, and learning what the provider holds for an order when our side
 * never heard its answer.
 */
export function authorizationsService(deps: AuthorizationDeps) {
  const { db, repo, provider, call } = deps;
  // Authorizations the provider answered together are recorded together, in one statement.
  const recordAuthorizedInBatch = coalescer(
    (items: AuthorizedItem[]) => repo.upsertAuthorizedManyWithEvents(items),
    { max: 200 },
  );

  /** Our row after the provider authorized: inserted, or upgraded from failed; else whatever is there. */
  async function recordAuthorized(
    orderId: string,
    providerPaymentId: string,
    amountMinor: number,
    currency: string,
  ): Promise<PaymentRow> {
    const row = await recordAuthorizedInBatch({
      payment: {
        id: uuidv7(),
        order_id: orderId,
        status: 'authorized',
        currency,
        authorized_minor: amountMinor,
        decline_reason: null,
        provider: provider.name,
        provider_payment_id: providerPaymentId,
      },
      ledger: { id: uuidv7(), key: paymentKeys.authorize(orderId), providerRef: providerPaymentId },
      eventId: uuidv7(),
    });
    return row ?? (await repo.findByOrder(orderId)) ?? Promise.reject(notFound(orderId));
  }

  return {
    /**
     * Authorizes the order's amount once. `newOrder` says the order was placed by this very request,
     * so no payment of ours can exist yet and the look-up is skipped; were one there after all (the
     * saga's backstop got in first), the provider answers the same key with the same authorization
     * and the row is found below.
     *
     * `attempt` numbers the order's authorization attempts (a retry with another card after a
     * decline is the next one) and makes the provider's key: a declined order is asked again, and
     * the provider replays an attempt it answered already.
     */
    async authorize(
      input: {
        orderId: string;
        amountMinor: number;
        currency: string;
        cardToken: string;
        attempt?: number;
      },
      opts: { newOrder?: boolean } = {},
    ): Promise<{ paymentId: string; status: 'authorized' }> {
      const { orderId, amountMinor, currency } = input;
      checkOrderId(orderId);
      checkAmount(amountMinor, 1);
      if (!/^[A-Z]{3}$/.test(currency))
        throw new AppError('VALIDATION_FAILED', 'currency must be an ISO 4217 code such as EUR');
      const existing = opts.newOrder ? undefined : await repo.findByOrder(orderId);
      if (existing && existing.status !== 'failed' && existing.status !== 'declined')
        return settled(existing, input);
      const base = { order_id: orderId, currency, provider: provider.name };
      const result = await askProvider(deps, base, input);
      if (result.status === 'declined') {
        const row = await recordDeclined(db, base, result);
        if (!row) throw notFound(orderId);
        return settled(row, input);
      }
      const row = await recordAuthorized(
        orderId,
        result.providerPaymentId,
        result.amountMinor,
        result.currency,
      );
      if (row.status === 'voided' && row.provider_payment_id !== result.providerPaymentId) {
        // The order was compensated while this authorization was in flight: give the hold back.
        await call('void', () =>
          provider.void(result.providerPaymentId, paymentKeys.void(orderId)),
        );
      }
      return settled(row, input);
    },

    /**
     * Our row for the order; when we never learned the provider's answer (no row, or failed because
     * the provider could not be reached), asks the provider what it holds for this order and records it.
     */
    async known(orderId: string): Promise<PaymentRow | undefined> {
      const row = await repo.findByOrder(orderId);
      if (row && row.status !== 'failed') return row;
      const held = (await call('lookup', () => provider.findByReference(orderId))).find(
        (s) => s.status !== 'declined',
      );
      if (!held) return row;
      return recordAuthorized(orderId, held.providerPaymentId, held.authorizedMinor, held.currency);
    },
  };
}
