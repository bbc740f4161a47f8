import { onceWithInbox } from '../../platform/bus/inbox.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import type { Delivery } from '../../platform/bus/port.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { OrdersService, SubstitutionEventPayload } from '../orders/index.ts';
import { orderFacts } from './order-facts.ts';
import { appendMessage, type TrackingMessage } from './tracking-log.ts';
import { trackingMessagesRepository, trackingRepository } from './tracking.repository.ts';

/** Deliveries of a proposal or an answer before it is dead-lettered: its subscription's maxAttempts. */
export const SUBSTITUTION_ATTEMPTS = 5;

/**
 * An answer handled before its proposal (the two events are handled concurrently) is sent back on
 * its first this-many deliveries (redelivered 200 ms apart and doubling), then logged without the
 * proposal. Two deliveries are left for that: one to log it, one should that attempt fail. Derived
 * from the subscription's attempts, so waiting can never use them all and dead-letter the answer.
 */
export const ANSWER_WAITS = SUBSTITUTION_ATTEMPTS - 2;

/** The answer came first: redelivered later, so the customer's stream shows proposal, then answer. */
class ProposalNotLoggedYet extends Error {
  constructor(substitutionId: string) {
    super(`substitution ${substitutionId}: its answer waits for its proposal to be logged`);
  }
}

/**
 * Whether the event is logged: a proposal only if nothing of its substitute is (an answer that
 * gave up waiting already says everything the proposal would); an answer only once, and only after
 * its proposal unless it has waited enough.
 */
function shouldLog(logged: string[], p: SubstitutionEventPayload, delivery: Delivery): boolean {
  if (p.status === 'proposed') return logged.length === 0;
  if (logged.some((s) => s !== 'proposed')) return false;
  if (!logged.includes('proposed') && delivery.attempt <= ANSWER_WAITS)
    throw new ProposalNotLoggedYet(p.substitution_id);
  return true;
}

/**
 * Logs a substitute proposal, or its answer, in the order's tracking log, so the customer's
 * socket shows it: once (with the consumer's inbox row), numbered under the order's row lock like
 * every message, the proposal before its answer. The caller announces what it returns after the
 * commit.
 */
export async function followSubstitution(
  deps: { db: Db; clock: Clock; orders: OrdersService; catalog: CatalogServices },
  consumer: string,
  event: DomainEvent<SubstitutionEventPayload>,
  delivery: Delivery,
): Promise<TrackingMessage[]> {
  const p = event.payload;
  // Read before the transaction: the order may not be followed yet (its first event in flight).
  const known = await trackingRepository(deps.db).find(p.order_id);
  const facts = known ? null : await orderFacts(deps, p.order_id);
  let out: TrackingMessage[] = [];
  await onceWithInbox(deps.db, consumer, async (trx) => {
    const now = new Date(deps.clock.now());
    const row = await trackingRepository(trx).lockOrInsert(p.order_id, facts, now);
    if (!row) return;
    // Under the order's row lock, so the log's statuses of this substitute are final here.
    const logged = await trackingMessagesRepository(trx).substitutionStatuses(
      p.order_id,
      p.substitution_id,
    );
    if (!shouldLog(logged, p, delivery)) return;
    const entry = {
      type: 'substitution' as const,
      substitution_id: p.substitution_id,
      status: p.status,
      product_id: p.product_id,
      missing: p.missing,
      substitute_product_id: p.substitute_product_id,
      name: p.name,
      quantity: p.quantity,
      unit_price_minor: p.unit_price_minor,
      currency: p.currency,
      answer_by: p.answer_by,
    };
    out = [await appendMessage(trx, p.order_id, entry, now)];
  })(event, delivery);
  return out;
}
