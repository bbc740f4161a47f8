import type { AuditAct } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import { ownDriverId } from '../drivers/index.ts';
import { type DeliveriesDeps, deliveriesEnv } from './deliveries-env.ts';
import { markDelivered, type OpsProof } from './delivery-ops.ts';
import { unlockPin, waiveGeofence } from './delivery-overrides.ts';
import type { DriverStep, StopStep } from './delivery-state.ts';
import { driverStep, type StepInput } from './delivery-steps.ts';
import { loadDelivery, loadTrip, visible } from './delivery-views.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { queue, reassign, unassignDriver } from './dispatch-ops.ts';
import {
  earningsOfDriver,
  type EarningsQuery,
  myDeliveries,
  myEarnings,
} from './earnings-views.ts';
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

    /** The driver's assigned trip; null when they have none. */
    async currentTrip(by: Principal) {
      const trip = await repo.assignedTripOfDriver(ownDriverId(by));
      return trip ? loadTrip(repo, trip, by) : null;
    },

    async get(by: Principal, id: string) {
      return loadDelivery(repo, await visible(by, await repo.delivery(id), id), by);
    },

    async ofOrder(by: Principal, orderId: string) {
      const d = await visible(by, await repo.deliveryByOrder(orderId), `for order ${orderId}`);
      return loadDelivery(repo, d, by);
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
      return loadDelivery(repo, { ...d, rating: stars }, by);
    },

    // Ops' actions: each with its caller and reason (`act`), written to the audit log.
    waiveGeofence: (act: AuditAct, id: string, step: StopStep) => waiveGeofence(env, act, id, step),
    unlockPin: (act: AuditAct, id: string) => unlockPin(env, act, id),
    markDelivered: (act: AuditAct, id: string, proof: OpsProof) =>
      markDelivered(env, act, id, proof),
    reassign: (act: AuditAct, tripId: string) => reassign(env, act, tripId),
    unassignDriver: (act: AuditAct, driverId: string) => unassignDriver(env, act, driverId),
    queue: (page: { cursor?: string | undefined; limit: number }) => queue(env, page),

    myEarnings: (by: Principal, q: EarningsQuery) => myEarnings(env, by, q),
    earningsOfDriver: (driverId: string, q: EarningsQuery) => earningsOfDriver(env, driverId, q),
    myDeliveries: (by: Principal, day: string | undefined) => myDeliveries(env, by, day),
  };
}

export type DeliveriesService = ReturnType<typeof deliveriesService>;
