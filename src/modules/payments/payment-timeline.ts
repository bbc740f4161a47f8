import type { Db } from '../../platform/db/pool.ts';
import {
  money,
  type OrderTimelineSource,
  type TimelineEntry,
  timelineSource,
} from '../../platform/timeline/timeline.ts';
import { ledgerRepository } from './payment-ledger.repository.ts';
import { paymentsRepository } from './payments.repository.ts';
import { refundsRepository } from './refunds.repository.ts';

const LEDGER_WORDS = {
  authorize: 'Authorized',
  capture: 'Captured',
  void: 'Released',
  refund: 'Refunded',
} as const;

/**
 * The payments module's part of an order's timeline: every movement of the ledger (authorization,
 * capture, release, refund), a payment the provider declined or could not be asked about, and each
 * refund asked with how it ended. No card data: our tables keep none.
 */
export function paymentsTimeline(db: Db): OrderTimelineSource {
  const payments = paymentsRepository(db);
  const ledger = ledgerRepository(db);
  const refunds = refundsRepository(db);
  return timelineSource('payments', async (q) => {
    const [payment, asked] = await Promise.all([
      payments.findByOrder(q.orderId),
      refunds.refundsOfOrder(q.orderId),
    ]);
    const out: TimelineEntry[] = [];
    if (payment) {
      for (const l of await ledger.ledgerOf(payment.id))
        out.push({
          at: l.created_at,
          source: 'payments',
          kind: `payment.${l.kind}`,
          summary: `${LEDGER_WORDS[l.kind]} ${money(l.amount_minor, l.currency)}${l.reason ? ` (${l.reason})` : ''}`,
          data: {
            payment_id: payment.id,
            ledger_id: l.id,
            kind: l.kind,
            amount_minor: Number(l.amount_minor),
            currency: l.currency,
            idempotency_key: l.idempotency_key,
            provider_ref: l.provider_ref,
            reason: l.reason,
          },
        });
      if (payment.status === 'declined' || payment.status === 'failed')
        out.push({
          at: payment.updated_at,
          source: 'payments',
          kind: `payment.${payment.status}`,
          summary:
            payment.status === 'declined'
              ? `Card declined${payment.decline_reason ? `: ${payment.decline_reason}` : ''}`
              : 'The provider could not be reached; the outcome is unknown',
          data: {
            payment_id: payment.id,
            status: payment.status,
            decline_reason: payment.decline_reason,
            provider: payment.provider,
            provider_payment_id: payment.provider_payment_id,
          },
        });
    }
    for (const r of asked) {
      const data = {
        refund_id: r.id,
        amount_minor: Number(r.amount_minor),
        currency: r.currency,
        reason: r.reason,
        status: r.status,
        requested_by: r.requested_by,
        failure: r.failure,
      };
      out.push({
        at: r.created_at,
        source: 'payments',
        kind: 'refund.requested',
        summary: `Refund of ${money(r.amount_minor, r.currency)} asked: ${r.reason}`,
        data,
      });
      if (r.settled_at)
        out.push({
          at: r.settled_at,
          source: 'payments',
          kind: `refund.${r.status}`,
          summary: `Refund ${r.status}${r.failure ? `: ${r.failure}` : ''}`,
          data,
        });
    }
    return out;
  });
}
