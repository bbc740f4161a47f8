import { setTimeout as sleep } from 'node:timers/promises';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/pool.ts';
import { type Card, DECLINES, TEST_CARDS } from './fakepay-cards.ts';
import { deliver, once, replay, requestHash } from './fakepay-idempotency.ts';
import {
  type FakepayPayment,
  fakepayEventsRepository,
  fakepayPaymentsRepository,
  fakepayRequestsRepository,
} from './fakepay.repository.ts';
import {
  type AuthorizeRequest,
  type AuthorizeResult,
  type CaptureResult,
  ProviderRejectedError,
  type RefundResult,
  type VoidResult,
} from './payment-provider.ts';

/** Webhook event types the fake provider sends. */
export const FakepayEvents = {
  AUTHORIZED: 'payment.authorized',
  CAPTURED: 'payment.captured',
  VOIDED: 'payment.voided',
  REFUNDED: 'payment.refunded',
} as const;

export const providerId = (prefix: string) => `${prefix}_${uuidv7().replace(/-/g, '')}`;

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

async function emit(trx: Db, p: FakepayPayment, type: string, amountMinor: number): Promise<void> {
  await fakepayEventsRepository(trx).insertEvent({
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
  const p = await fakepayPaymentsRepository(trx).find(id);
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

/** The payment, the answer and the first event an authorization writes, decided by the card. */
function authorization(req: AuthorizeRequest, card: Card) {
  const reason = DECLINES[card];
  const base = { id: providerId('fp'), reference: req.reference, card, currency: req.currency };
  if (reason) {
    const payment = {
      ...base,
      status: 'declined' as const,
      decline_reason: reason,
      authorized_minor: 0,
      event_seq: 0,
    };
    const response: AuthorizeResult = { status: 'declined', reason, providerPaymentId: base.id };
    return { payment, response, event: null };
  }
  const payment = {
    ...base,
    status: 'authorized' as const,
    decline_reason: null,
    authorized_minor: req.amountMinor,
    event_seq: 1,
  };
  const response: AuthorizeResult = {
    status: 'authorized',
    providerPaymentId: base.id,
    amountMinor: req.amountMinor,
    currency: req.currency,
  };
  const event = {
    id: providerId('evt'),
    seq: 1,
    type: FakepayEvents.AUTHORIZED,
    payload: {
      ...snapshot({ ...payment, captured_minor: 0, refunded_minor: 0 }),
      sequence: 1,
      amount_minor: req.amountMinor,
    },
  };
  return { payment, response, event };
}

export async function fakepayAuthorize(
  db: Db,
  req: AuthorizeRequest,
  slowDelayMs: number,
): Promise<AuthorizeResult> {
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
  const { payment, response, event } = authorization(req, card);
  const claimed = await fakepayRequestsRepository(db).insertPaymentOnce(
    { key: req.idempotencyKey, operation: 'authorize', paramsHash: hash, response },
    payment,
    event,
  );
  if (claimed) return deliver({ response, fresh: true, card });
  return replay<AuthorizeResult>(db, req.idempotencyKey, hash);
}

export async function fakepayCapture(
  db: Db,
  providerPaymentId: string,
  amountMinor: number,
  idempotencyKey: string,
): Promise<CaptureResult> {
  checkAmount(amountMinor);
  const r = await once<CaptureResult>(
    db,
    idempotencyKey,
    'capture',
    { providerPaymentId, amountMinor },
    async (trx) => {
      const payment = await fakepayPaymentsRepository(trx).capture(providerPaymentId, amountMinor);
      if (!payment)
        throw await refusal(trx, providerPaymentId, 'amount_exceeds_authorized', ['authorized']);
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
}

export async function fakepayVoid(
  db: Db,
  providerPaymentId: string,
  idempotencyKey: string,
): Promise<VoidResult> {
  const r = await once<VoidResult>(
    db,
    idempotencyKey,
    'void',
    { providerPaymentId },
    async (trx) => {
      const payment = await fakepayPaymentsRepository(trx).void(providerPaymentId);
      if (!payment) throw await refusal(trx, providerPaymentId, null, ['authorized']);
      await emit(trx, payment, FakepayEvents.VOIDED, payment.authorized_minor);
      return {
        payment,
        response: { providerPaymentId, status: 'voided', releasedMinor: payment.authorized_minor },
      };
    },
  );
  return deliver(r);
}

export async function fakepayRefund(
  db: Db,
  providerPaymentId: string,
  amountMinor: number,
  idempotencyKey: string,
): Promise<RefundResult> {
  checkAmount(amountMinor);
  const r = await once<RefundResult>(
    db,
    idempotencyKey,
    'refund',
    { providerPaymentId, amountMinor },
    async (trx) => {
      const payment = await fakepayPaymentsRepository(trx).refund(providerPaymentId, amountMinor);
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
}
