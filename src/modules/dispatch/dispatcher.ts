import { candidates } from './candidates.ts';
import { planDelivery } from './delivery-planner.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import type { OfferRow, TripRow } from './dispatch-tables.ts';
import { type DispatcherDeps, type DispatcherEnv, dispatcherEnv } from './dispatcher-env.ts';
import { advance, type FirstChoice } from './offering.ts';
import { orderCanceled, orderReady } from './order-changes.ts';
import { replanAssigned } from './replanning.ts';
import { matchDue } from './window-matching.ts';

/** How long a dispatcher holds a due trip it is working on before another may take it. */
const LEASE_MS = 15_000;
/** Between two looks at the assigned trips for one worth re-planning. */
const REPLAN_EVERY_MS = 5000;

/** Expires unanswered offers whose time is up; their trips look for the next driver. */
async function expireDue(env: DispatcherEnv): Promise<number> {
  const t = env.now();
  const expired = await env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    const rows = await tx.expireDue(t, 200);
    const out: Array<{ offer: OfferRow; version: number }> = [];
    for (const o of rows) {
      await env.drivers.service.recordOffer(trx, o.driver_id, false);
      const trip = await tx.tripForUpdate(o.trip_id);
      const moved =
        trip?.status === 'offered'
          ? await tx.updateTrip(trip.id, trip.version, {
              status: 'searching',
              status_at: t,
              next_attempt_at: t,
            })
          : trip;
      out.push({ offer: o, version: (moved ?? trip)?.version ?? 0 });
    }
    return out;
  });
  for (const { offer: o, version } of expired)
    env.drivers.notify(
      o.driver_id,
      { type: 'offer_expired', offer_id: o.id },
      { id: o.trip_id, version },
    );
  return expired.length;
}

/**
 * One pass of the dispatcher: expire offers, then work every trip that is due. A strategy that
 * matches takes the trips due within the look-ahead window too and gives them drivers together.
 */
async function tick(env: DispatcherEnv): Promise<{ expired: number; worked: number }> {
  const expired = await expireDue(env);
  const t = env.now();
  const lookAheadMs = env.strategy.matches ? env.settings.matchWindowS * 1000 : 0;
  const due = await env.repo.claimDue(
    new Date(t.getTime() + lookAheadMs),
    new Date(t.getTime() + LEASE_MS),
    20,
  );
  const preferred = env.strategy.matches
    ? await matchDue(env, due).catch((err: unknown) => {
        env.logger.warn({ err }, 'matching the due trips failed; each takes its best driver');
        return new Map<string, FirstChoice>();
      })
    : new Map<string, FirstChoice>();
  for (const trip of due) {
    await advance(env, trip.id, preferred.get(trip.id)).catch((err: unknown) =>
      env.logger.warn({ err, trip: trip.id }, 'dispatch step failed; retried after the lease'),
    );
  }
  return { expired, worked: due.length };
}

/**
 * The dispatcher: turns accepted orders into trips timed for the store's preparation, offers each
 * trip to one driver at a time (best score first, widening the radius when nobody fits), expires
 * unanswered offers, and escalates trips nobody takes. Every decision reads time from the clock
 * it is given and keeps its state in Postgres (offers with their expiry, trips with their next
 * attempt), so any worker can carry on after another crashed: the timers are rows. Where the
 * greedy baseline differs (no batching, no timing, nearest first) the strategy decides; see
 * dispatch-strategy.ts. Its parts: planning (delivery-planner.ts), following the order
 * (order-changes.ts), offering (offering.ts, candidates.ts) and the timers here.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const env = dispatcherEnv(deps);
  let replannedAt = Number.NEGATIVE_INFINITY;
  return {
    planDelivery: (orderId: string) => planDelivery(env, orderId),
    orderReady: (orderId: string) => orderReady(env, orderId),
    orderCanceled: (orderId: string, reason: string | null) => orderCanceled(env, orderId, reason),
    advance: (tripId: string) => advance(env, tripId),
    expireDue: () => expireDue(env),
    /** One re-planning pass now (the loop's `tick` runs one every few seconds). */
    replan: () => replanAssigned(env),
    /** One pass; every few seconds it also re-plans what is worth it (replanning.ts). */
    async tick() {
      const done = await tick(env);
      if (env.clock.now() - replannedAt < REPLAN_EVERY_MS) return { ...done, replanned: 0 };
      replannedAt = env.clock.now();
      return { ...done, replanned: await replanAssigned(env) };
    },
    candidates: (trip: TripRow, radiusM: number) => candidates(env, trip, radiusM),
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
