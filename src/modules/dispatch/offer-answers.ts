import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import { ownDriverId } from '../drivers/index.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { deliverySources } from './delivery-state.ts';
import { loadOffer, loadTrip } from './delivery-views.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { tripSources } from './trip-state.ts';

// A driver's side of an offer: what is open for them, and taking or passing on it.

export async function openOffers(env: DeliveriesEnv, by: Principal) {
  const offer = await env.repo.openOfferOfDriver(ownDriverId(by));
  return { items: offer ? [await loadOffer(env.repo, offer)] : [] };
}

/**
 * The atomic claim: the offer (still open, unexpired, this driver's), the trip (still offered)
 * and the driver (still available) move together or not at all; the unique index on assigned
 * trips per driver backs it. A late accept of an expired offer is 409.
 */
export async function acceptOffer(env: DeliveriesEnv, by: Principal, offerId: string) {
  const { drivers } = env;
  const driverId = ownDriverId(by);
  const t = env.now();
  const assigned = await env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    const offer = await tx.respondToOffer(offerId, driverId, 'accepted', t, null);
    if (!offer) {
      const o = await tx.offer(offerId);
      if (!o || o.driver_id !== driverId) throw new AppError('NOT_FOUND', `No offer ${offerId}`);
      throw new AppError(
        'CONFLICT',
        o.status === 'open' ? 'This offer has expired' : `This offer was ${o.status}`,
        { details: { offer_status: o.status === 'open' ? 'expired' : o.status } },
      );
    }
    const trip = await tx.tripForUpdate(offer.trip_id);
    if (!trip || !tripSources('assigned').includes(trip.status))
      throw new AppError('CONFLICT', 'This job is no longer available');
    if (!(await drivers.service.claim(trx, driverId)))
      throw new AppError(
        'CONFLICT',
        'Only an available driver can take a job; check your shift status',
      );
    await drivers.service.recordOffer(trx, driverId, true);
    const moved = await tx.updateTrip(trip.id, trip.version, {
      status: 'assigned',
      status_at: t,
      driver_id: driverId,
      assigned_at: t,
      next_attempt_at: null,
    });
    if (!moved) throw new AppError('CONFLICT', 'This job is no longer available');
    const deliveries = await tx.updateDeliveriesOfTrip(
      trip.id,
      { status: 'assigned', driver_id: driverId, status_at: t },
      deliverySources('assigned'),
    );
    await tx.addSteps(
      deliveries.map((d) => ({
        delivery_id: d.id,
        status: 'assigned',
        driver_id: driverId,
        lat: null,
        lng: null,
        at: t,
        note: null,
      })),
    );
    await emitDeliveryEvents(trx, deliveries, t);
    return moved;
  });
  return loadTrip(env.repo, assigned, by);
}

export async function declineOffer(
  env: DeliveriesEnv,
  by: Principal,
  offerId: string,
  reason: string | undefined,
) {
  const driverId = ownDriverId(by);
  const t = env.now();
  const answered = await env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    const offer = await tx.respondToOffer(offerId, driverId, 'declined', t, reason ?? null);
    if (!offer) {
      const o = await tx.offer(offerId);
      if (!o || o.driver_id !== driverId) throw new AppError('NOT_FOUND', `No offer ${offerId}`);
      throw new AppError(
        'CONFLICT',
        `This offer is already ${o.status === 'open' ? 'expired' : o.status}`,
      );
    }
    await env.drivers.service.recordOffer(trx, driverId, false);
    const trip = await tx.tripForUpdate(offer.trip_id);
    if (trip?.status === 'offered')
      await tx.updateTrip(trip.id, trip.version, {
        status: 'searching',
        status_at: t,
        next_attempt_at: t,
      });
    return offer;
  });
  // The next driver hears about it now rather than at the next dispatcher pass.
  await env.dispatcher.advance(answered.trip_id).catch(() => undefined);
  return loadOffer(env.repo, answered);
}
