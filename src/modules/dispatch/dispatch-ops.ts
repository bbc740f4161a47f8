import type { AuditAct } from '../../platform/audit/audit-log.ts';
import { AppError } from '../../platform/errors.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { loadTrip } from './delivery-views.ts';
import { reopenTrip } from './trip-reopen.ts';
import type { TripRow } from './dispatch-tables.ts';
import { keyCursor } from '../../platform/http/page-cursor.ts';

/** The trip queue's sort key: priority first, then age, then id. */
const QUEUE_CURSOR = keyCursor('trip-queue', ['int', 'time', 'uuid']);
function queuePosition(cursor: string) {
  const [priority, created_at, id] = QUEUE_CURSOR.decode(cursor);
  return { priority, created_at, id };
}

// What ops does with trips: take one from its driver, release a driver, watch the queue.

/** What the audit log keeps of a trip. */
const tripState = (t: TripRow) => ({
  status: t.status,
  driver_id: t.driver_id,
  version: t.version,
  priority: t.priority,
});

/** Puts a trip back to searching for ops, in the audit log with the change. */
const reopen = (
  env: DeliveriesEnv,
  tripId: string,
  reason: string,
  audit: { act: AuditAct; action: string },
) =>
  reopenTrip(env, tripId, reason, {
    record: (trx, before, after) =>
      env.audit.record(trx, audit.act, {
        action: audit.action,
        target: { type: 'trip', id: tripId },
        before: tripState(before),
        after: tripState(after),
      }),
  });

/** Ops takes the trip from its driver (or withdraws its offer); the next driver is asked now. */
export async function reassign(env: DeliveriesEnv, act: AuditAct, tripId: string) {
  const { repo } = env;
  const { by, reason } = act;
  const { trip, freed } = await reopen(env, tripId, `reassigned by ops: ${reason}`, {
    act,
    action: 'trip.reassign',
  });
  if (freed)
    env.drivers.notify(
      freed,
      { type: 'trip_unassigned', trip_id: tripId, reason },
      { id: trip.id, version: trip.version },
    );
  await env.dispatcher.advance(trip.id).catch(() => undefined);
  return loadTrip(repo, (await repo.trip(trip.id)) ?? trip, by);
}

/** Ops releases a driver from the job they hold or are offered; the trip searches again. */
export async function unassignDriver(env: DeliveriesEnv, act: AuditAct, driverId: string) {
  const { repo } = env;
  const { by, reason } = act;
  const trip =
    (await repo.assignedTripOfDriver(driverId)) ??
    (await repo.openOfferOfDriver(driverId).then((o) => (o ? repo.trip(o.trip_id) : undefined)));
  if (!trip) throw new AppError('NOT_FOUND', `Driver ${driverId} holds no job`);
  const { trip: moved, freed } = await reopen(env, trip.id, `driver unassigned by ops: ${reason}`, {
    act,
    action: 'trip.unassign_driver',
  });
  if (freed)
    env.drivers.notify(
      freed,
      { type: 'trip_unassigned', trip_id: trip.id, reason },
      { id: moved.id, version: moved.version },
    );
  return loadTrip(repo, moved, by);
}

/** Trips waiting for a driver, most urgent first, a page at a time. */
export async function queue(
  env: DeliveriesEnv,
  page: { cursor?: string | undefined; limit: number },
) {
  const t = env.clock.now();
  const after = page.cursor === undefined ? undefined : queuePosition(page.cursor);
  const rows = await env.repo.queue(page.limit, after);
  const last = rows.length === page.limit ? rows.at(-1) : undefined;
  return {
    items: rows.map((r) => ({
      trip_id: r.id,
      store_id: r.store_id,
      status: r.status,
      deliveries: Number(r.deliveries),
      items: r.items,
      age_s: Math.round((t - r.created_at.getTime()) / 1000),
      dispatch_at: r.dispatch_at.toISOString(),
      waiting_s: Math.max(0, Math.round((t - r.dispatch_at.getTime()) / 1000)),
      round: r.round,
      offers_made: r.offers_made,
      priority: r.priority,
      escalated_at: r.escalated_at?.toISOString() ?? null,
    })),
    next_cursor: last ? QUEUE_CURSOR.encode([last.priority, last.created_at, last.id]) : null,
  };
}
