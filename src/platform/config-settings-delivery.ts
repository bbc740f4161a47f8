import { whole } from './config-schema.ts';

/** The safeguards of a delivery's steps (ARCHITECTURE.md, Delivery safeguards). */
export const DELIVERY_SETTINGS = {
  geofenceM: whole({
    env: 'LASTMILE_GEOFENCE_M',
    description:
      "Metres a driver's last fresh position may be from the store (arrived at store, picked up) or the drop-off (arrived, delivered) for the step to be accepted; ops can waive it for one step",
    default: 250,
    minimum: 10,
    maximum: 50_000,
  }),
  pinMaxAttempts: whole({
    env: 'LASTMILE_PIN_MAX_ATTEMPTS',
    description:
      'Wrong handover PINs before the handover is locked (support gets a ticket, ops unlocks it)',
    default: 5,
    minimum: 1,
    maximum: 100,
  }),
  pinRequiredAboveMinor: whole({
    env: 'LASTMILE_PIN_REQUIRED_ABOVE_MINOR',
    description:
      'Order total (minor units) above which the handover needs the PIN (a photo is not enough); age-restricted orders always need it',
    default: 10_000,
    minimum: 0,
    maximum: 100_000_000,
  }),
};
