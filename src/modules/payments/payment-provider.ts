/**
 * The port to a payment service provider (PSP). Amounts are integer minor units of an ISO 4217
 * currency. Every mutating call carries an idempotency key: a repeat with the same key returns the
 * first response and moves no money twice, which is what makes retrying a timed-out call safe.
 */

export type DeclineReason = 'card_declined' | 'insufficient_funds';
export type ProviderPaymentStatus =
  'authorized' | 'declined' | 'voided' | 'captured' | 'partially_refunded' | 'refunded';

export interface AuthorizeRequest {
  amountMinor: number;
  currency: string;
  cardToken: string;
  idempotencyKey: string;
  /** The merchant's reference (our order id), kept by the provider and searchable. */
  reference: string;
}

/** A decline is an answer, not an error: the card holder has to do something about it. */
export type AuthorizeResult =
  | { status: 'authorized'; providerPaymentId: string; amountMinor: number; currency: string }
  | { status: 'declined'; reason: DeclineReason; providerPaymentId?: string };

export interface CaptureResult {
  providerPaymentId: string;
  status: 'captured';
  capturedMinor: number;
  /** The part of the authorization given back to the card holder (partial capture). */
  releasedMinor: number;
}

export interface VoidResult {
  providerPaymentId: string;
  status: 'voided';
  releasedMinor: number;
}

export interface RefundResult {
  providerPaymentId: string;
  providerRefundId: string;
  status: 'partially_refunded' | 'refunded';
  amountMinor: number;
  totalRefundedMinor: number;
}

/** The provider's view of one payment (for reconciliation and recovery). */
export interface ProviderPaymentState {
  providerPaymentId: string;
  reference: string;
  status: ProviderPaymentStatus;
  currency: string;
  authorizedMinor: number;
  capturedMinor: number;
  refundedMinor: number;
}

export interface PaymentProvider {
  /** Stored with our payments, so a payment always names the provider that holds it. */
  readonly name: string;
  authorize(req: AuthorizeRequest): Promise<AuthorizeResult>;
  /** One capture per payment, at most the authorized amount; the rest is released. */
  capture(
    providerPaymentId: string,
    amountMinor: number,
    idempotencyKey: string,
  ): Promise<CaptureResult>;
  /** Releases an authorization that was not captured. */
  void(providerPaymentId: string, idempotencyKey: string): Promise<VoidResult>;
  /** Partial refunds add up to at most the captured amount. */
  refund(
    providerPaymentId: string,
    amountMinor: number,
    idempotencyKey: string,
  ): Promise<RefundResult>;
  retrieve(providerPaymentIds: readonly string[]): Promise<ProviderPaymentState[]>;
  findByReference(reference: string): Promise<ProviderPaymentState[]>;
}

/**
 * The provider could not be reached or the connection broke: the request may or may not have been
 * processed. Retryable, and safe to retry with the same idempotency key.
 */
export class ProviderUnavailableError extends Error {
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

export type ProviderRejection =
  | 'invalid_request'
  | 'not_found'
  | 'invalid_state'
  | 'amount_exceeds_authorized'
  | 'amount_exceeds_captured'
  | 'idempotency_key_reused';

/** The provider understood the request and refused it; retrying the same request will not help. */
export class ProviderRejectedError extends Error {
  constructor(
    readonly reason: ProviderRejection,
    message: string,
  ) {
    super(message);
    this.name = 'ProviderRejectedError';
  }
}
