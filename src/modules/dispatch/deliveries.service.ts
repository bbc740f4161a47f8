import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import { ownDriverId } from '../drivers/index.ts';
import { type DeliveriesDeps, deliveriesEnv } from './deliveries-env.ts';
import type { DriverStep } from './delivery-state.ts';
import { driverStep, type StepInput } from './delivery-steps.ts';
import { deliveryView, tripView, visible } from './delivery-views.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { queue, reassign, unassignDriver } from './dispatch-ops.ts';
import { acceptOffer, declineOffer, openOffers } from './offer-answers.ts';

/**
 * Deliveries as drivers, customers, stores and ops see and move them: offers answered
 * (offer-answers.ts), the driver's steps (delivery-steps.ts), ops actions (dispatch-ops.ts), and
 * the reads and the customer's rating here.
 */
export function deliveriesService(deps: DeliveriesDeps) {
  const env = deliveriesEnv(deps);
  const { repo } = env;
  return {
    openOffers: (by: Principal) => openOffers(env, by),
    accept: (by: Principal, offerId: string) => acceptOffer(env, by, offerId),
    decline: (by: Principal, offerId: string, reason: string | undefined) =>
      declineOffer(env, by, offerId, reason),

    async currentTrip(by: Principal) {
      const driverId = ownDriverId(by);
      const trip = await repo.assignedTripOfDriver(driverId);
      if (!trip) return { trip: null };
      return { trip: tripView(trip, await repo.deliveriesOfTrip(trip.id), by) };
    },

    async get(by: Principal, id: string) {
      const d = await visible(by, await repo.delivery(id), id);
      return {
        ...deliveryView(d, by),
        steps: (await repo.steps(d.id)).map((s) => ({
          status: s.status,
          lat: s.lat,
          lng: s.lng,
          at: s.at.toISOString(),
          note: s.note,
        })),
      };
    },

    async ofOrder(by: Principal, orderId: string) {
      const d = await visible(by, await repo.deliveryByOrder(orderId), `for order ${orderId}`);
      return deliveryView(d, by);
    },

    step: (by: Principal, id: string, to: DriverStep, input: StepInput) =>
      driverStep(env, by, id, to, input),

    async rate(by: Principal, orderId: string, stars: number) {
      const d = await visible(by, await repo.deliveryByOrder(orderId), `for order ${orderId}`);
      if (by.role !== 'customer')
        throw new AppError('FORBIDDEN', 'Only the customer rates the delivery');
      if (d.status !== 'delivered' || !d.driver_id)
        throw new AppError('CONFLICT', 'Only a delivered order can be rated');
      const driverId = d.driver_id;
      await env.db.transaction().execute(async (trx) => {
        const rated = await dispatchRepository(trx).rateOnce(d.id, stars);
        if (!rated) throw new AppError('CONFLICT', 'This delivery is already rated');
        await env.drivers.service.rate(trx, driverId, stars);
      });
      return { order_id: orderId, rating: stars };
    },

    reassign: (tripId: string, reason: string) => reassign(env, tripId, reason),
    unassignDriver: (driverId: string, reason: string) => unassignDriver(env, driverId, reason),
    queue: (limit: number) => queue(env, limit),
  };
}

export type DeliveriesService = ReturnType<typeof deliveriesService>;
