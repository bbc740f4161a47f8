import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { DELIVERY_RANK } from './delivery-state.ts';
import type { DeliveryRow } from './dispatch-tables.ts';
import {
  DELIVERY_STATUS_EVENT,
  type DeliveryEventDefinition,
  type DeliveryEventPayload,
} from './dispatch.events.ts';

export function deliveryPayload(
  d: DeliveryRow,
  at: Date,
  pos: { lat: number; lng: number } | null = null,
): DeliveryEventPayload {
  return {
    delivery_id: d.id,
    order_id: d.order_id,
    trip_id: d.trip_id,
    store_id: d.store_id,
    customer_id: d.customer_id,
    driver_id: d.driver_id,
    status: d.status,
    version: d.version,
    rank: DELIVERY_RANK[d.status],
    lat: pos?.lat ?? null,
    lng: pos?.lng ?? null,
    at: at.toISOString(),
    reason: d.reason,
  };
}

/** The event of a delivery that entered its status; a pending one's is named by its caller. */
function eventOf(d: DeliveryRow): DeliveryEventDefinition {
  if (d.status === 'pending')
    throw new Error(`delivery ${d.id} is pending again: its caller names the event`);
  return DELIVERY_STATUS_EVENT[d.status];
}

/**
 * One event per delivery that changed, in the caller's transaction (`dispatch.delivery_<status>`
 * unless `def` names another). The row's version travels in the payload; the envelope's version
 * is the payload schema's.
 */
export async function emitDeliveryEvents(
  trx: Db,
  rows: readonly DeliveryRow[],
  at: Date,
  opts: { def?: DeliveryEventDefinition; pos?: { lat: number; lng: number } | null } = {},
): Promise<void> {
  if (rows.length === 0) return;
  await writeOutbox(
    trx,
    rows.map((d) =>
      declaredEvent(opts.def ?? eventOf(d), deliveryPayload(d, at, opts.pos ?? null), {
        aggregateId: d.order_id,
      }),
    ),
  );
}
