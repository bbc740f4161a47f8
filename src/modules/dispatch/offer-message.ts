import type { DispatchRepository } from './dispatch.repository.ts';
import type { DeliveryRow, OfferRow, TripRow } from './dispatch-tables.ts';
import { offerView } from './delivery-views.ts';

/**
 * What the driver's app is pushed for an offer: the offer in its REST shape (`offer`) beside the
 * fields apps written before it read. The trip and its deliveries are read only when the caller
 * lacks them.
 */
export async function offerMessage(
  repo: DispatchRepository,
  offer: OfferRow,
  known?: TripRow,
  knownDeliveries?: readonly DeliveryRow[],
) {
  const trip = known ?? (await repo.trip(offer.trip_id));
  if (!trip) throw new Error(`offer ${offer.id} has no trip`);
  const deliveries = knownDeliveries ?? (await repo.deliveriesOfTrip(offer.trip_id));
  return {
    type: 'offer' as const,
    offer_id: offer.id,
    trip_id: offer.trip_id,
    expires_at: offer.expires_at.toISOString(),
    pickup: {
      store_id: trip.store_id,
      lat: trip.pickup_lat,
      lng: trip.pickup_lng,
      distance_m: offer.pickup_m,
    },
    dropoffs: deliveries.map((d) => ({ lat: d.dropoff_lat, lng: d.dropoff_lng, items: d.items })),
    offer: offerView(offer, trip, deliveries),
  };
}
