import { uuidv7 } from 'uuidv7';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import { coalescer } from '../../platform/db/coalescer.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { type Mismatch, reconcilePayments } from './payments.reconciliation.ts';
import { PaymentEvents } from './payments.events.ts';
import { eventOf, type PaymentView, view } from './payment-view.ts';
import { type LedgerKind, type PaymentRow, paymentsRepository } from './payments.repository.ts';
import { providerPolicy, type ResilienceOptions } from './provider-policy.ts';

/**
 * Idempotency keys sent to the provider and stored on ledger rows, derived from the order and the
 * step: a saga step retried after a crash or a timeout sends the same key, so it never moves money twice.
 */
export const paymentKeys = {
  authorize: (orderId: string) => `${orderId}:authorize`,
  capture: (orderId: string) => `${orderId}:capture`,
  release: (orderId: string) => `${orderId}:capture:release`,
  void: (orderId: string) => `${orderId}:void`,
  refund: (orderId: string, refundKey: string) => `${orderId}:refund:${refundKey}`,
};

export interface PaymentsDeps {
  db: Db;
  provider: PaymentProvider;
  logger?: Logger;
  resilience?: Partial<ResilienceOptions>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function checkOrderId(orderId: string): void {
  if (!UUID_RE.test(orderId)) throw new AppError('VALIDATION_FAILED', 'orderId must be a UUID');
}
function checkAmount(amountMinor: number, min: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < min) {
    throw new AppError(
      'VALIDATION_FAILED',
      `amountMinor must be a whole number of minor units, at least ${min}`,
    );
  }
}
const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('CONFLICT', message, { details });
const notFound = (orderId: string) => new AppError('NOT_FOUND', `No payment for order ${orderId}`);

function providerIdOf(row: PaymentRow): string {
  if (!row.provider_payment_id)
    throw new AppError(
      'INTERNAL',
      `payment ${row.id} is ${row.status} but has no provider payment id`,
    );
  return row.provider_payment_id;
}

interface Movement {
  kind: LedgerKind;
  amount: number;
  key: string;
  providerRef: string;
  reason?: string | null;
}

/**
 * Payments as the order saga sees them. Each call is idempotent twice over: the provider gets a key
 * derived from order + step, and our ledger row for a movement is unique on that same key, so a
 * repeat (sequential or concurrent) returns the first result and records nothing new.
 */
export function paymentsService(deps: PaymentsDeps) {
  const { db, provider } = deps;
  const repo = paymentsRepository(db);
  const call = providerPolicy(deps.resilience, deps.logger);

  async function view0(orderId: string): Promise<PaymentView | null> {
    const row = await repo.findByOrder(orderId);
    return row ? view(row, await repo.ledgerOf(row.id)) : null;
  }
  async function viewOf(orderId: string): Promise<PaymentView> {
    const v = await view0(orderId);
    if (!v) throw notFound(orderId);
    return v;
  }

  /**
   * Records movements (ledger rows, once per key), the new amounts and the event in one transaction,
   * under the payment's row lock. When the first movement's key is already there a concurrent repeat
   * did it, and nothing changes.
   */
  async function commit(
    orderId: string,
    moves: Movement[],
    change: Parameters<ReturnType<typeof paymentsRepository>['move']>[1],
    eventType: string,
    reason: string | null,
  ) {
    await db.transaction().execute(async (trx) => {
      const tx = paymentsRepository(trx);
      const row = await tx.findByOrder(orderId, { lock: true });
      if (!row) throw notFound(orderId);
      let fresh = false;
      for (const [i, m] of moves.filter((x) => x.amount > 0).entries()) {
        const inserted = await tx.addLedger({
          id: uuidv7(),
          payment_id: row.id,
          order_id: orderId,
          kind: m.kind,
          amount_minor: m.amount,
          currency: row.currency,
          idempotency_key: m.key,
          provider_ref: m.providerRef,
          reason: m.reason ?? null,
        });
        if (i === 0) fresh = inserted;
      }
      if (!fresh) return;
      const updated = await tx.move(row.id, change);
      await writeOutbox(trx, [eventOf(eventType, updated, moves[0]?.amount ?? 0, reason)]);
    });
    return viewOf(orderId);
  }

  /** Our row after the provider authorized: inserted, or upgraded from failed; else whatever is there. */
  // Authorizations the provider answered together are recorded together, in one statement.
  const recordAuthorizedInBatch = coalescer(
    (items: Array<Parameters<typeof repo.upsertAuthorizedManyWithEvents>[0][number]>) =>
      repo.upsertAuthorizedManyWithEvents(items),
    { max: 200 },
  );

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

  /**
   * Our row for the order; when we never learned the provider's answer (no row, or failed because
   * the provider could not be reached), asks the provider what it holds for this order and records it.
   */
  async function known(orderId: string): Promise<PaymentRow | undefined> {
    const row = await repo.findByOrder(orderId);
    if (row && row.status !== 'failed') return row;
    const held = (await call('lookup', () => provider.findByReference(orderId))).find(
      (s) => s.status !== 'declined',
    );
    if (!held) return row;
    return recordAuthorized(orderId, held.providerPaymentId, held.authorizedMinor, held.currency);
  }

  function settled(
    row: PaymentRow,
    input: { amountMinor: number; currency: string },
  ): { paymentId: string; status: 'authorized' } {
    if (row.status === 'declined') {
      throw new AppError(
        'PAYMENT_DECLINED',
        `The card was declined (${row.decline_reason ?? 'card_declined'})`,
        { details: { reason: row.decline_reason } },
      );
    }
    if (row.status === 'voided') throw conflict(`The payment of order ${row.order_id} was voided`);
    if (
      row.currency !== input.currency ||
      (row.status === 'authorized' && row.authorized_minor !== input.amountMinor)
    ) {
      throw conflict(
        `Order ${row.order_id} was authorized for ${row.authorized_minor} ${row.currency}`,
      );
    }
    return { paymentId: row.id, status: 'authorized' };
  }

  /** Releases an uncaptured authorization; a no-op for declined or already voided payments. */
  async function voidPayment(input: { orderId: string }): Promise<PaymentView> {
    const { orderId } = input;
    checkOrderId(orderId);
    const key = paymentKeys.void(orderId);
    if (await repo.ledgerByKey(key)) return viewOf(orderId);
    const row = await known(orderId);
    if (!row) throw notFound(orderId);
    if (row.status === 'failed') {
      // The provider holds nothing for this order: close it so a late authorize retry is refused.
      await repo.markVoided(row.id);
      return viewOf(orderId);
    }
    if (row.status === 'voided' || row.status === 'declined') return viewOf(orderId);
    if (row.status !== 'authorized')
      throw conflict(`The payment of order ${orderId} is ${row.status}; refund it instead`);
    const res = await call('void', () => provider.void(providerIdOf(row), key));
    return commit(
      orderId,
      [{ kind: 'void', amount: res.releasedMinor, key, providerRef: res.providerPaymentId }],
      { status: 'voided', released: res.releasedMinor },
      PaymentEvents.VOIDED,
      null,
    );
  }

  return {
    /**
     * Authorizes the order's amount once. `newOrder` says the order was placed by this very request,
     * so no payment of ours can exist yet and the look-up is skipped; were one there after all (the
     * saga's backstop got in first), the provider answers the same key with the same authorization
     * and the row is found below.
     */
    async authorize(
      input: { orderId: string; amountMinor: number; currency: string; cardToken: string },
      opts: { newOrder?: boolean } = {},
    ): Promise<{ paymentId: string; status: 'authorized' }> {
      const { orderId, amountMinor, currency, cardToken } = input;
      checkOrderId(orderId);
      checkAmount(amountMinor, 1);
      if (!/^[A-Z]{3}$/.test(currency))
        throw new AppError('VALIDATION_FAILED', 'currency must be an ISO 4217 code such as EUR');
      const existing = opts.newOrder ? undefined : await repo.findByOrder(orderId);
      if (existing && existing.status !== 'failed') return settled(existing, input);
      const base = { order_id: orderId, currency, provider: provider.name };
      let result;
      try {
        result = await call('authorize', () =>
          provider.authorize({
            amountMinor,
            currency,
            cardToken,
            idempotencyKey: paymentKeys.authorize(orderId),
            reference: orderId,
          }),
        );
      } catch (err) {
        // Unknown outcome: remember the attempt, so a void can later ask the provider what happened.
        if (isAppError(err) && err.code === 'DEPENDENCY_UNAVAILABLE') {
          await repo.upsert({
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
      if (result.status === 'declined') {
        const row = await db.transaction().execute(async (trx) => {
          const tx = paymentsRepository(trx);
          const r = await tx.upsert({
            ...base,
            id: uuidv7(),
            status: 'declined',
            authorized_minor: 0,
            decline_reason: result.reason,
            provider_payment_id: result.providerPaymentId ?? null,
          });
          if (r) await writeOutbox(trx, [eventOf(PaymentEvents.DECLINED, r, 0, result.reason)]);
          return r ?? tx.findByOrder(orderId);
        });
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

    /** Captures once, at most the authorized amount; the rest of the hold is released. 0 voids. */
    async capture(input: { orderId: string; amountMinor: number }): Promise<PaymentView> {
      const { orderId, amountMinor } = input;
      checkOrderId(orderId);
      checkAmount(amountMinor, 0);
      if (amountMinor === 0) return voidPayment({ orderId });
      const key = paymentKeys.capture(orderId);
      const done = await repo.ledgerByKey(key);
      if (done) {
        if (done.amount_minor !== amountMinor)
          throw conflict(`Order ${orderId} was already captured for ${done.amount_minor}`);
        return viewOf(orderId);
      }
      const row = await known(orderId);
      if (!row) throw notFound(orderId);
      if (row.status !== 'authorized')
        throw conflict(`The payment of order ${orderId} is ${row.status}; it cannot be captured`);
      if (amountMinor > row.authorized_minor) {
        throw conflict(
          `Cannot capture ${amountMinor}: only ${row.authorized_minor} ${row.currency} is authorized`,
          { authorized_minor: row.authorized_minor },
        );
      }
      const res = await call('capture', () =>
        provider.capture(providerIdOf(row), amountMinor, key),
      );
      return commit(
        orderId,
        [
          { kind: 'capture', amount: res.capturedMinor, key, providerRef: res.providerPaymentId },
          {
            kind: 'void',
            amount: res.releasedMinor,
            key: paymentKeys.release(orderId),
            providerRef: res.providerPaymentId,
          },
        ],
        { status: 'captured', captured: res.capturedMinor, released: res.releasedMinor },
        PaymentEvents.CAPTURED,
        null,
      );
    },

    void: voidPayment,

    /**
     * Refunds part or all of what was captured and not yet refunded. The key defaults to the amount,
     * so a retried refund is recognised; pass `refundKey` to make two refunds of the same amount.
     */
    async refund(input: {
      orderId: string;
      amountMinor: number;
      reason: string;
      refundKey?: string;
    }): Promise<PaymentView> {
      const { orderId, amountMinor, reason } = input;
      checkOrderId(orderId);
      checkAmount(amountMinor, 1);
      if (!reason || reason.length > 500)
        throw new AppError('VALIDATION_FAILED', 'a refund needs a reason (at most 500 characters)');
      const key = paymentKeys.refund(orderId, input.refundKey ?? String(amountMinor));
      const done = await repo.ledgerByKey(key);
      if (done) {
        if (done.amount_minor !== amountMinor)
          throw conflict(`Refund ${key} was already made for ${done.amount_minor}`);
        return viewOf(orderId);
      }
      const row = await repo.findByOrder(orderId);
      if (!row) throw notFound(orderId);
      if (row.status !== 'captured' && row.status !== 'partially_refunded')
        throw conflict(`The payment of order ${orderId} is ${row.status}; nothing to refund`);
      const refundable = row.captured_minor - row.refunded_minor;
      if (amountMinor > refundable)
        throw conflict(
          `Cannot refund ${amountMinor}: only ${refundable} ${row.currency} is refundable`,
          { refundable_minor: refundable },
        );
      const res = await call('refund', () => provider.refund(providerIdOf(row), amountMinor, key));
      return commit(
        orderId,
        [
          {
            kind: 'refund',
            amount: res.amountMinor,
            key,
            providerRef: res.providerRefundId,
            reason,
          },
        ],
        { status: 'refund', refunded: res.amountMinor },
        PaymentEvents.REFUNDED,
        reason,
      );
    },

    get: (orderId: string): Promise<PaymentView | null> =>
      UUID_RE.test(orderId) ? view0(orderId) : Promise.resolve(null),

    /** Mismatches between our columns, our ledger and the provider; empty when all is well. */
    reconcile: (opts: { limit?: number } = {}): Promise<Mismatch[]> =>
      reconcilePayments({ repo, provider, call }, opts.limit ?? 10_000),
  };
}

export type PaymentsService = ReturnType<typeof paymentsService>;
