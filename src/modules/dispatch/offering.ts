import { uuidv7 } from 'uuidv7';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import { candidates } from './candidates.ts';
import { DELIVERY_TERMINAL } from './delivery-state.ts';
import { DispatchEventDefs } from './dispatch.events.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import type { DeliveryRow, TripRow } from './dispatch-tables.ts';
import { offerPay } from './driver-pay.ts';
import { OPEN_TRIP } from './trip-state.ts';
import type { DispatcherEnv } from './dispatcher-env.ts';
import { offerMessage } from './offer-message.ts';
import { carryM, type Scored } from './scoring.ts';

/** After every radius failed, the search starts over this much later (and ops is alerted). */
const ESCALATION_RETRY_MS = 30_000;

export type Outcome = 'offered' | 'widened' | 'escalated' | 'skipped';

/**
 * Writes the offer to `best` and moves the trip to offered, if nobody moved the trip meanwhile
 * (null then); 'busy' when the driver got another trip's offer first. With the offer, the trip as
 * moved (its version orders the pushes to the driver).
 */
function makeOffer(
  env: DispatcherEnv,
  trip: TripRow,
  best: Scored,
  radiusM: number,
  t: Date,
  stops: readonly DeliveryRow[],
) {
  const pickupM = Math.round(best.distanceM);
  const pay = offerPay(
    env.settings.pay,
    pickupM,
    { lat: trip.pickup_lat, lng: trip.pickup_lng },
    stops.map((d) => ({ id: d.id, lat: d.dropoff_lat, lng: d.dropoff_lng })),
  );
  return env.db
    .transaction()
    .execute(async (trx) => {
      const tx = dispatchRepository(trx);
      const moved = await tx.updateTrip(
        trip.id,
        trip.version,
        {
          status: 'offered',
          status_at: t,
          next_attempt_at: null,
          offers_in_round: trip.offers_in_round + 1,
          offers_made: trip.offers_made + 1,
        },
        OPEN_TRIP,
      );
      if (!moved) return null;
      const offer = await tx.insertOffer({
        id: uuidv7(),
        trip_id: trip.id,
        driver_id: best.driverId,
        status: 'open',
        score: best.score,
        pickup_m: pickupM,
        radius_m: radiusM,
        cycle: trip.cycle,
        created_at: t,
        expires_at: new Date(t.getTime() + env.settings.offerTtlS * 1000),
        responded_at: null,
        reason: null,
        pay,
      });
      await writeOutbox(trx, [
        declaredEvent(
          DispatchEventDefs.OFFER_MADE,
          {
            offer_id: offer.id,
            trip_id: trip.id,
            driver_id: best.driverId,
            expires_at: offer.expires_at.toISOString(),
          },
          { aggregateId: trip.id },
        ),
      ]);
      return { offer, trip: moved };
    })
    .catch((err: unknown) => {
      // The driver got another trip's offer a moment ago (one open offer per driver): next one.
      if ((err as { code?: string }).code === '23505') return 'busy' as const;
      throw err;
    });
}

/** The radius the trip's search is at in its current round. */
export function radiusOf(env: DispatcherEnv, trip: TripRow): number {
  const round = Math.min(trip.round, env.settings.radiiM.length - 1);
  return env.settings.radiiM[round] ?? env.maxRadius;
}

/** A trip's candidates within `radiusM`, best first, with its deliveries (all, and still open). */
export interface Search {
  radiusM: number;
  ranked: Scored[];
  stops: DeliveryRow[];
  open: DeliveryRow[];
}

/** The trip's candidates within `radiusM`, best first, with its deliveries. */
export async function rankFor(env: DispatcherEnv, trip: TripRow, radiusM: number): Promise<Search> {
  const [found, stops, pace] = await Promise.all([
    candidates(env, trip, radiusM),
    env.repo.deliveriesOfTrip(trip.id),
    env.pace(),
  ]);
  const pickup = { lat: trip.pickup_lat, lng: trip.pickup_lng };
  const open = stops.filter((d) => !DELIVERY_TERMINAL.has(d.status));
  const dropoffs = open.map((d) => ({ lat: d.dropoff_lat, lng: d.dropoff_lng }));
  const ranked = env.strategy.rank(found, {
    items: trip.items,
    carryM: carryM(pickup, dropoffs),
    pickup,
    lastStop: dropoffs.at(-1) ?? pickup,
    pace,
  });
  return { radiusM, ranked, stops, open };
}

/**
 * What a dispatcher pass already decided for a trip before working it: the driver to offer it
 * first (the window's matching, a re-plan), and the search that found them, reused while the
 * trip's radius is still that search's (a driver offered meanwhile is skipped as busy).
 */
export interface FirstChoice {
  preferred: string;
  search?: Search;
}

/**
 * Offers the trip to the best candidate within `radiusM` who is free to take it (`first`'s driver
 * first when a candidate), and tells them; null when nobody in this radius could be offered it.
 */
async function offerBest(
  env: DispatcherEnv,
  trip: TripRow,
  radiusM: number,
  t: Date,
  first: FirstChoice | undefined,
): Promise<Outcome | null> {
  const searched = first?.search?.radiusM === radiusM ? first.search : undefined;
  const { ranked: byScore, stops, open } = searched ?? (await rankFor(env, trip, radiusM));
  const preferred = first?.preferred;
  const chosen = byScore.find((c) => c.driverId === preferred);
  const ranked = chosen ? [chosen, ...byScore.filter((c) => c !== chosen)] : byScore;
  for (const best of ranked) {
    const offered = await makeOffer(env, trip, best, radiusM, t, open);
    if (offered === 'busy') continue;
    if (!offered) return 'skipped';
    env.drivers.notify(
      best.driverId,
      await offerMessage(env.repo, offered.offer, offered.trip, stops),
      { id: trip.id, version: offered.trip.version },
    );
    return 'offered';
  }
  return null;
}

/** Every radius tried: start over at the widest one later, more urgent, and tell ops (once). */
async function escalate(
  env: DispatcherEnv,
  trip: TripRow,
  radiusM: number,
  t: Date,
): Promise<Outcome> {
  const escalated = await env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    const moved = await tx.updateTrip(
      trip.id,
      trip.version,
      {
        status: 'searching',
        priority: trip.priority + 1,
        escalated_at: trip.escalated_at ?? t,
        cycle: trip.cycle + 1,
        offers_in_round: 0,
        next_attempt_at: new Date(t.getTime() + ESCALATION_RETRY_MS),
      },
      OPEN_TRIP,
    );
    if (moved && !trip.escalated_at) {
      await writeOutbox(trx, [
        declaredEvent(
          DispatchEventDefs.TRIP_ESCALATED,
          {
            trip_id: trip.id,
            store_id: trip.store_id,
            offers_made: trip.offers_made,
            radius_m: radiusM,
          },
          { aggregateId: trip.id },
        ),
      ]);
    }
    return moved;
  });
  return escalated ? 'escalated' : 'skipped';
}

/** One step for a due trip: offer the best candidate, or widen the radius, or escalate. */
async function step(env: DispatcherEnv, trip: TripRow, first?: FirstChoice): Promise<Outcome> {
  const { settings } = env;
  const t = env.now();
  const radiusM = radiusOf(env, trip);
  if (trip.offers_in_round < settings.offersPerRound) {
    const outcome = await offerBest(env, trip, radiusM, t, first);
    if (outcome) return outcome;
  }
  if (trip.round < settings.radiiM.length - 1) {
    const widened = await env.repo.updateTrip(
      trip.id,
      trip.version,
      { status: 'searching', round: trip.round + 1, offers_in_round: 0, next_attempt_at: t },
      OPEN_TRIP,
    );
    return widened ? 'widened' : 'skipped';
  }
  return escalate(env, trip, radiusM, t);
}

/**
 * Works a trip until it has an open offer or is parked (escalated, or taken by someone else);
 * `first` (its driver, and the search that found them) counts for the first step only.
 */
export async function advance(
  env: DispatcherEnv,
  tripId: string,
  first?: FirstChoice,
): Promise<Outcome> {
  for (let i = 0; i <= env.settings.radiiM.length + 1; i++) {
    const trip = await env.repo.trip(tripId);
    if (!trip || !OPEN_TRIP.includes(trip.status)) return 'skipped';
    const outcome = await step(env, trip, i === 0 ? first : undefined);
    if (outcome !== 'widened') return outcome;
  }
  return 'skipped';
}
