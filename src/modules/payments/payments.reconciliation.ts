import type { PaymentProvider, ProviderPaymentState } from './payment-provider.ts';
import type { ledgerRepository } from './payment-ledger.repository.ts';
import type { PaymentTotals } from './payments.repository.ts';
import type { ProviderCall } from './provider-policy.ts';

export type MismatchKind = 'ledger' | 'invariant' | 'provider';

/** One disagreement; `expected` is what the other source (ledger, rule or provider) says. */
export interface Mismatch {
  kind: MismatchKind;
  payment_id: string;
  order_id: string;
  field: string;
  expected: number | string | null;
  actual: number | string | null;
  detail: string;
}

interface Deps {
  ledger: Pick<ReturnType<typeof ledgerRepository>, 'totals'>;
  provider: PaymentProvider;
  call: ProviderCall;
}

type Push = (
  kind: MismatchKind,
  field: string,
  expected: number | string | null,
  actual: number | string | null,
  detail: string,
) => void;

/** What each status says about the amounts (the CHECK constraint cannot relate status and amounts). */
function statusRule(p: PaymentTotals): string | null {
  const { authorized_minor: a, captured_minor: c, refunded_minor: r } = p;
  switch (p.status) {
    case 'authorized':
      return a > 0 && c === 0 && r === 0
        ? null
        : 'an authorized payment holds money and has captured and refunded nothing';
    case 'captured':
      return c > 0 && r === 0 ? null : 'a captured payment has captured money and refunded none';
    case 'partially_refunded':
      return r > 0 && r < c
        ? null
        : 'a partially refunded payment refunded part of what it captured';
    case 'refunded':
      return c > 0 && r === c ? null : 'a refunded payment refunded all it captured';
    default:
      // voided, declined, failed: nothing held, nothing moved.
      return a === 0 && c === 0 && r === 0 ? null : `a ${p.status} payment holds and moved nothing`;
  }
}

function ourChecks(p: PaymentTotals, push: Push): void {
  push(
    'ledger',
    'authorized_minor',
    p.ledger_authorized,
    p.authorized_minor,
    'authorizations minus releases in the ledger',
  );
  push('ledger', 'captured_minor', p.ledger_captured, p.captured_minor, 'captures in the ledger');
  push('ledger', 'refunded_minor', p.ledger_refunded, p.refunded_minor, 'refunds in the ledger');
  for (const c of p.ledger_currencies)
    push(
      'invariant',
      'currency',
      p.currency,
      c,
      'a ledger row is in another currency than its payment',
    );
  if (p.captured_minor > p.authorized_minor)
    push(
      'invariant',
      'captured_minor',
      `<= ${p.authorized_minor}`,
      p.captured_minor,
      'captured more than authorized',
    );
  if (p.refunded_minor > p.captured_minor)
    push(
      'invariant',
      'refunded_minor',
      `<= ${p.captured_minor}`,
      p.refunded_minor,
      'refunded more than captured',
    );
  if (p.ledger_refunded > p.ledger_captured)
    push(
      'invariant',
      'ledger',
      `refunds <= ${p.ledger_captured}`,
      p.ledger_refunded,
      'the ledger refunds more than it captured',
    );
  const rule = statusRule(p);
  if (rule)
    push('invariant', 'status', rule, p.status, `status ${p.status} does not match the amounts`);
  if (!p.provider_payment_id && !['failed', 'voided'].includes(p.status))
    push(
      'invariant',
      'provider_payment_id',
      'set',
      null,
      'only a payment whose provider call failed lacks a provider id',
    );
}

/** What our columns should be, given the provider's state (ours count only what is still held). */
function providerChecks(p: PaymentTotals, s: ProviderPaymentState, push: Push): void {
  const held =
    s.status === 'authorized'
      ? s.authorizedMinor
      : s.status === 'voided' || s.status === 'declined'
        ? 0
        : s.capturedMinor;
  push('provider', 'status', s.status, p.status, 'the provider has the payment in another status');
  push('provider', 'currency', s.currency, p.currency, 'the provider has another currency');
  push(
    'provider',
    'authorized_minor',
    held,
    p.authorized_minor,
    'the provider holds another amount',
  );
  push(
    'provider',
    'captured_minor',
    s.capturedMinor,
    p.captured_minor,
    'the provider captured another amount',
  );
  push(
    'provider',
    'refunded_minor',
    s.refundedMinor,
    p.refunded_minor,
    'the provider refunded another amount',
  );
}

const MOVED = new Set(['authorized', 'captured', 'partially_refunded', 'refunded']);
const CHUNK = 500;

/**
 * Compares, for the newest `limit` payments: each payment's columns with the sums of its ledger
 * rows, the rules that tie status and amounts, and the provider's own record. Read-only.
 */
export async function reconcilePayments(deps: Deps, limit: number): Promise<Mismatch[]> {
  const { ledger, provider, call } = deps;
  const rows = await ledger.totals(limit);
  const out: Mismatch[] = [];
  const pusher =
    (p: PaymentTotals): Push =>
    (kind, field, expected, actual, detail) => {
      if (expected !== actual)
        out.push({ kind, payment_id: p.id, order_id: p.order_id, field, expected, actual, detail });
    };
  for (const p of rows) ourChecks(p, pusher(p));

  const ours = rows.filter((p) => p.provider === provider.name && p.provider_payment_id);
  const theirs = new Map<string, ProviderPaymentState>();
  for (let i = 0; i < ours.length; i += CHUNK) {
    const ids = ours
      .slice(i, i + CHUNK)
      .flatMap((p) => (p.provider_payment_id ? [p.provider_payment_id] : []));
    for (const s of await call('retrieve', () => provider.retrieve(ids)))
      theirs.set(s.providerPaymentId, s);
  }
  for (const p of ours) {
    const s = theirs.get(p.provider_payment_id ?? '');
    if (s) providerChecks(p, s, pusher(p));
    else
      pusher(p)(
        'provider',
        'provider_payment_id',
        null,
        p.provider_payment_id,
        'the provider does not know this payment',
      );
  }

  // A payment whose provider call failed: the provider may have done the work after all.
  for (const p of rows.filter((r) => !r.provider_payment_id && r.provider === provider.name)) {
    const found = await call('lookup', () => provider.findByReference(p.order_id));
    for (const s of found.filter((f) => MOVED.has(f.status))) {
      pusher(p)(
        'provider',
        'provider_payment_id',
        s.providerPaymentId,
        null,
        `the provider has a ${s.status} payment for this order that we did not record`,
      );
    }
  }
  return out;
}
