import { onceWithInbox } from '../../platform/bus/inbox.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import type { Delivery } from '../../platform/bus/port.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { OrdersService, SubstitutionEventPayload } from '../orders/index.ts';
import { orderFacts } from './order-facts.ts';
import { appendMessage, type TrackingMessage } from './tracking-log.ts';
import { trackingRepository } from './tracking.repository.ts';

/**
 * Logs a substitute proposal, or its answer, in the order's tracking log, so the customer's
 * socket shows it: once (with the consumer's inbox row), numbered under the order's row lock like
 * every message. The caller announces what it returns after the commit.
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
