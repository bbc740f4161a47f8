import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { authorizationsService } from './payment-authorization.service.ts';
import { isOrderId } from './payment-checks.ts';
import { ledgerRepository } from './payment-ledger.repository.ts';
import {
  capturePayment,
  findView,
  type MovementDeps,
  voidPayment,
} from './payment-movements.service.ts';
import {
  type RefundInput,
  refundOrder,
  refundPayment,
  refundsOf,
} from './payment-refunds.service.ts';
import type { PaymentProvider } from './payment-provider.ts';
import type { PaymentView } from './payment-view.ts';
import { type Mismatch, reconcilePayments } from './payments.reconciliation.ts';
import { paymentsRepository } from './payments.repository.ts';
import { providerPolicy, type ResilienceOptions } from './provider-policy.ts';

export interface PaymentsDeps {
  db: Db;
  provider: PaymentProvider;
  logger?: Logger;
  resilience?: Partial<ResilienceOptions>;
}

/**
 * Payments as the order saga sees them. Each call is idempotent twice over: the provider gets a key
 * derived from order + step, and our ledger row for a movement is unique on that same key, so a
 * repeat (sequential or concurrent) returns the first result and records nothing new. Provider
 * calls go through one policy (retry, breaker, timeout) shared by every call of the service.
 */
export function paymentsService(deps: PaymentsDeps) {
  const { db, provider } = deps;
  const repo = paymentsRepository(db);
  const ledger = ledgerRepository(db);
  const call = providerPolicy(deps.resilience, deps.logger);
  const authorizations = authorizationsService({ db, repo, provider, call });
  const moves: MovementDeps = { db, repo, ledger, provider, call, known: authorizations.known };

  return {
    authorize: authorizations.authorize,
    capture: (input: { orderId: string; amountMinor: number }) => capturePayment(moves, input),
    void: (input: { orderId: string }) => voidPayment(moves, input),
    refund: (input: RefundInput) => refundPayment(moves, input),
    /** A named refund (its key), answered as the refund rather than the payment. */
    refundOrder: (input: RefundInput & { refundKey: string }) => refundOrder(moves, input),
    /** The order's refunds (pending, succeeded, failed), oldest first. */
    refunds: (orderId: string) =>
      isOrderId(orderId) ? refundsOf(db, orderId) : Promise.resolve([]),

    get: (orderId: string): Promise<PaymentView | null> =>
      isOrderId(orderId) ? findView(moves, orderId) : Promise.resolve(null),

    /** Mismatches between our columns, our ledger and the provider; empty when all is well. */
    reconcile: (opts: { limit?: number } = {}): Promise<Mismatch[]> =>
      reconcilePayments({ ledger, provider, call }, opts.limit ?? 10_000),
  };
}

export type PaymentsService = ReturnType<typeof paymentsService>;
