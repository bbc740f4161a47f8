import type { Db } from '../db/pool.ts';
import type { DomainEvent } from './event.ts';
import { claimUnpublished, markPublished, type OutboxRow } from './outbox.repository.ts';
import type { EventBus } from './port.ts';

// What modules use to commit events with their change; the statements live in the repository.
export { withOutboxEvent, withOutboxEvents, writeOutbox } from './outbox.repository.ts';

function toEvent(r: OutboxRow): DomainEvent {
  return {
    id: r.id,
    type: r.type,
    version: r.version,
    aggregateId: r.aggregate_id ?? undefined,
    payload: r.payload,
    traceId: r.trace_id ?? undefined,
    occurredAt: r.occurred_at.toISOString(),
  };
}

/**
 * Publishes one batch of unpublished rows. Rows are claimed with SKIP LOCKED so several relays
 * (one per worker process) share the work; a row is marked published only after the bus
 * acknowledged it, and a crash in between republishes it with the same id, which the bus and
 * the consumers' inboxes dedupe. Returns how many events were published.
 */
export async function relayOutboxBatch(db: Db, bus: EventBus, batchSize = 200): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await claimUnpublished(trx, batchSize);
    if (rows.length === 0) return 0;
    await bus.publish(rows.map(toEvent));
    await markPublished(
      trx,
      rows.map((r) => r.id),
    );
    return rows.length;
  });
}
