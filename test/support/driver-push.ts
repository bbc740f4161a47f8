import { uuidv7 } from 'uuidv7';
import type { DriverPush } from '../../src/modules/drivers/index.ts';

/** An offer push as the dispatcher sends one, with a fresh id (or the one given). */
export function offerPush(offerId: string = uuidv7()): DriverPush {
  return {
    type: 'offer',
    offer_id: offerId,
    trip_id: uuidv7(),
    expires_at: new Date(Date.now() + 30_000).toISOString(),
    pickup: null,
    dropoffs: [],
  };
}
