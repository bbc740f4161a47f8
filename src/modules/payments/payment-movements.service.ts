import { uuidv7 } from 'uuidv7';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { checkAmount, checkOrderId, conflict, notFound, providerIdOf } from './payment-checks.ts';
import { paymentKeys } from './payment-keys.ts';
import { ledgerRepository } from './payment-ledger.repository.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { eventOf, type PaymentView, view } from './payment-view.ts';
import { PaymentEventDefs, type PaymentEventDefinition } from './payments.events.ts';
import { type PaymentRow, paymentsRepository } from './payments.repository.ts';
import type { LedgerKind } from './payments-tables.ts';
import type { ProviderCall } from './provider-policy.ts';

/** What moving money after the authorization needs. */
export interface MovementDeps {
  db: Db;
  repo: ReturnType<typeof paymentsRepository>;
  ledger: ReturnType<typeof ledgerRepository>;
  provider: PaymentProvider;
  call: ProviderCall;
  /** Our row for the order, asking the provider when we never learned its answer. */
  known: (orderId: string) => Promise<PaymentRow | undefined>;
}

interface Movement {
  kind: LedgerKind;
  amount: number;
  key: string;
  providerRef: string;
  reason?: string | null;
}

type Change = Parameters<ReturnType<typeof paymentsRepository>['move']>[1];

/** The order's payment with its movements, or null when it has none. */
export async function findView(
  deps: Pick<MovementDeps, 'repo' | 'ledger'>,
  orderId: string,
): Promise<PaymentView | null> {
  const row = await deps.repo.findByOrder(orderId);
  return row ? view(row, await deps.ledger.ledgerOf(row.id)) : null;
}

export async function viewOf(deps: Pick<MovementDeps, 'repo' | 'ledger'>, orderId: string) {
  const v = await findView(deps, orderId);
  if (!v) throw notFound(orderId);
  return v;
}

/**
 * Records movements (ledger rows, once per key), the new amounts and the event in one transaction,
 * under the payment's row lock. When the first movement's key is already there a concurrent repeat
 * did it, and nothing changes.
 */
export async function commit(
  deps: MovementDeps,
  orderId: string,
  moves: Movement[],
  change: Change,
  event: { def: PaymentEventDefinition; reason: string | null },
  also?: (trx: Db) => Promise<void>,
): Promise<PaymentView> {
  await deps.db.transaction().execute(async (trx) => {
    const tx = paymentsRepository(trx);
    const ledger = ledgerRepository(trx);
    const row = await tx.findByOrder(orderId, { lock: true });
    if (!row) throw notFound(orderId);
    let fresh = false;
    for (const [i, m] of moves.filter((x) => x.amount > 0).entries()) {
      const inserted = await ledger.addLedger({
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
    await writeOutbox(trx, [eventOf(event.def, updated, moves[0]?.amount ?? 0, event.reason)]);
    await also?.(trx);
  });
  return viewOf(deps, orderId);
}

/** Releases an uncaptured authorization; a no-op for declined or already voided payments. */
export async function voidPayment(
  deps: MovementDeps,
  input: { orderId: string },
): Promise<PaymentView> {
  const { orderId } = input;
  checkOrderId(orderId);
  const key = paymentKeys.void(orderId);
  if (await deps.ledger.ledgerByKey(key)) return viewOf(deps, orderId);
  const row = await deps.known(orderId);
  if (!row) throw notFound(orderId);
  if (row.status === 'failed') {
    // The provider holds nothing for this order: close it so a late authorize retry is refused.
    await deps.repo.markVoided(row.id);
    return viewOf(deps, orderId);
  }
  if (row.status === 'voided' || row.status === 'declined') return viewOf(deps, orderId);
  if (row.status !== 'authorized')
    throw conflict(`The payment of order ${orderId} is ${row.status}; refund it instead`);
  const res = await deps.call('void', () => deps.provider.void(providerIdOf(row), key));
  return commit(
    deps,
    orderId,
    [{ kind: 'void', amount: res.releasedMinor, key, providerRef: res.providerPaymentId }],
    { status: 'voided', released: res.releasedMinor },
    { def: PaymentEventDefs.VOIDED, reason: null },
  );
}

/** Captures once, at most the authorized amount; the rest of the hold is released. 0 voids. */
export async function capturePayment(
  deps: MovementDeps,
  input: { orderId: string; amountMinor: number },
): Promise<PaymentView> {
  const { orderId, amountMinor } = input;
  checkOrderId(orderId);
  checkAmount(amountMinor, 0);
  if (amountMinor === 0) return voidPayment(deps, { orderId });
  const key = paymentKeys.capture(orderId);
  const done = await deps.ledger.ledgerByKey(key);
  if (done) {
    if (done.amount_minor !== amountMinor)
      throw conflict(`Order ${orderId} was already captured for ${done.amount_minor}`);
    return viewOf(deps, orderId);
  }
  const row = await deps.known(orderId);
  if (!row) throw notFound(orderId);
  if (row.status !== 'authorized') {
    // The same capture, running beside this one, committed between the two reads: its answer.
    const since = await deps.ledger.ledgerByKey(key);
    if (since?.amount_minor === amountMinor) return viewOf(deps, orderId);
    throw conflict(`The payment of order ${orderId} is ${row.status}; it cannot be captured`);
  }
  if (amountMinor > row.authorized_minor) {
    throw conflict(
      `Cannot capture ${amountMinor}: only ${row.authorized_minor} ${row.currency} is authorized`,
      { authorized_minor: row.authorized_minor },
    );
  }
  const res = await deps.call('capture', () =>
    deps.provider.capture(providerIdOf(row), amountMinor, key),
  );
  return commit(
    deps,
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
    { def: PaymentEventDefs.CAPTURED, reason: null },
  );
}
