import { uuidv7 } from 'uuidv7';
import type { DriverPush } from '../../src/modules/drivers/index.ts';

/** An offer push as the dispatcher sends one, with a fresh id (or the one given) and trip. */
export function offerPush(offerId: string = uuidv7(), tripId: string = uuidv7()): DriverPush {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 30_000).toISOString();
  const store = uuidv7();
  return {
    type: 'offer',
    offer_id: offerId,
    trip_id: tripId,
    expires_at: expiresAt,
    pickup: { store_id: store, lat: 52.52, lng: 13.4, distance_m: 500 },
    dropoffs: [],
    offer: {
      id: offerId,
      trip_id: tripId,
      status: 'open',
      store_id: store,
      pickup: { lat: 52.52, lng: 13.4 },
      pickup_m: 500,
      radius_m: 3000,
      dropoffs: [],
      pay: null,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      responded_at: null,
    },
  };
}
