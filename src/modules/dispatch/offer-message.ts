import type { DispatchRepository } from './dispatch.repository.ts';
import type { DeliveryRow, OfferRow, TripRow } from './dispatch-tables.ts';

/** What the driver's app shows for an offer; the trip and its deliveries are read only when the caller lacks them. */
export async function offerMessage(
  repo: DispatchRepository,
  offer: OfferRow,
  known?: TripRow,
  knownDeliveries?: readonly DeliveryRow[],
) {
  const trip = known ?? (await repo.trip(offer.trip_id));
  const deliveries = knownDeliveries ?? (await repo.deliveriesOfTrip(offer.trip_id));
  return {
    type: 'offer' as const,
    offer_id: offer.id,
    trip_id: offer.trip_id,
    expires_at: offer.expires_at.toISOString(),
    pickup: trip
      ? {
          store_id: trip.store_id,
          lat: trip.pickup_lat,
          lng: trip.pickup_lng,
          distance_m: offer.pickup_m,
        }
      : null,
    dropoffs: deliveries.map((d) => ({ lat: d.dropoff_lat, lng: d.dropoff_lng, items: d.items })),
  };
}
