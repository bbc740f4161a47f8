import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { checkAmount, checkOrderId, conflict, notFound, providerIdOf } from './payment-checks.ts';
import { paymentKeys } from './payment-keys.ts';
import { commit, type MovementDeps, viewOf } from './payment-movements.service.ts';
import { ProviderRejectedError } from './payment-provider.ts';
import type { PaymentView } from './payment-view.ts';
import { PaymentEventDefs } from './payments.events.ts';
import { paymentsRepository } from './payments.repository.ts';
import type { RefundsTable } from './payments-tables.ts';
import { refundsRepository } from './refunds.repository.ts';

export interface RefundInput {
  orderId: string;
  amountMinor: number;
  reason: string;
  /** Names the refund: a repeat with the same key is the same refund. Default: the amount. */
  refundKey?: string;
  /** Who asked (a user id), kept with the refund. */
  by?: string;
}

type RefundRow = RefundsTable;

/**
 * Reserves the refund under the payment's row lock: the captured amount, less what was refunded
 * and what other pending refunds hold, must cover it. A key already reserved returns that refund.
 */
async function reserve(deps: MovementDeps, input: RefundInput, key: string, t: Date) {
  return deps.db.transaction().execute(async (trx): Promise<RefundRow> => {
    const row = await paymentsRepository(trx).findByOrder(input.orderId, { lock: true });
    if (!row) throw notFound(input.orderId);
    const refunds = refundsRepository(trx);
    const earlier = await refunds.refundByKey(key);
    if (earlier) return earlier;
    if (row.status !== 'captured' && row.status !== 'partially_refunded')
      throw conflict(`The payment of order ${input.orderId} is ${row.status}; nothing to refund`);
    const refundable =
      row.captured_minor - row.refunded_minor - (await refunds.pendingMinor(row.id));
    if (input.amountMinor > refundable)
      throw conflict(
        `Cannot refund ${input.amountMinor}: only ${refundable} ${row.currency} is refundable`,
        { refundable_minor: Math.max(0, refundable) },
      );
    const refund: RefundRow = {
      id: uuidv7(),
      payment_id: row.id,
      order_id: input.orderId,
      amount_minor: input.amountMinor,
      currency: row.currency,
      reason: input.reason,
      idempotency_key: key,
      status: 'pending',
      requested_by: input.by ?? null,
      failure: null,
      created_at: t,
      settled_at: null,
    };
    await refunds.reserve(refund);
    return refund;
  });
}

/**
 * Refunds part or all of what was captured and not yet refunded or held by another pending
 * refund: reserve, ask the provider with the refund's key, record the ledger row, the amounts, the
 * event (`payments.refunded`) and the refund's success in one transaction. A refusal by the
 * provider frees the reservation; an unknown outcome (the provider unreachable) keeps it pending,
 * and repeating the refund with its key finishes it (the provider answers the same key once).
 */
export async function refundPayment(deps: MovementDeps, input: RefundInput): Promise<PaymentView> {
  const { orderId, amountMinor, reason } = input;
  checkOrderId(orderId);
  checkAmount(amountMinor, 1);
  if (!reason || reason.length > 500)
    throw new AppError('VALIDATION_FAILED', 'a refund needs a reason (at most 500 characters)');
  const key = paymentKeys.refund(orderId, input.refundKey ?? String(amountMinor));
  const refund = await reserve(deps, input, key, new Date());
  if (refund.amount_minor !== amountMinor)
    throw conflict(`Refund ${key} was already made for ${refund.amount_minor}`);
  if (refund.status === 'succeeded') return viewOf(deps, orderId);
  if (refund.status === 'failed')
    throw conflict(`Refund ${key} was refused by the provider: ${refund.failure ?? 'refused'}`);
  const row = await deps.repo.findByOrder(orderId);
  if (!row) throw notFound(orderId);
  const refunds = refundsRepository(deps.db);
  let res;
  try {
    res = await deps.call('refund', () =>
      deps.provider.refund(providerIdOf(row), amountMinor, key),
    );
  } catch (err) {
    if ((err as { cause?: unknown }).cause instanceof ProviderRejectedError)
      await refunds.settle(refund.id, 'failed', new Date(), (err as Error).message);
    throw err;
  }
  return commit(
    deps,
    orderId,
    [{ kind: 'refund', amount: res.amountMinor, key, providerRef: res.providerRefundId, reason }],
    { status: 'refund', refunded: res.amountMinor },
    { def: PaymentEventDefs.REFUNDED, reason },
    async (trx: Db) => {
      await refundsRepository(trx).settle(refund.id, 'succeeded', new Date());
    },
  );
}

const refundView = (r: RefundRow) => ({
  id: r.id,
  order_id: r.order_id,
  amount_minor: r.amount_minor,
  currency: r.currency,
  reason: r.reason,
  status: r.status,
  created_at: r.created_at.toISOString(),
  settled_at: r.settled_at?.toISOString() ?? null,
});
export type RefundView = ReturnType<typeof refundView>;

/** The order's refunds, oldest first. */
export async function refundsOf(db: Db, orderId: string): Promise<RefundView[]> {
  return (await refundsRepository(db).refundsOfOrder(orderId)).map(refundView);
}

/** Refunds as `refundPayment` does, answering the refund (with `refundKey` required). */
export async function refundOrder(
  deps: MovementDeps,
  input: RefundInput & { refundKey: string },
): Promise<RefundView> {
  await refundPayment(deps, input);
  const row = await refundsRepository(deps.db).refundByKey(
    paymentKeys.refund(input.orderId, input.refundKey),
  );
  if (!row) throw new Error(`refund ${input.refundKey} of ${input.orderId} went missing`);
  return refundView(row);
}
