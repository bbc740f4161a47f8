import { text, whole } from './config-schema.ts';

/**
 * What a driver earns per delivery (ARCHITECTURE.md, Driver pay): a base, a rate per kilometre of
 * the way to the store and on to the drop-off, both fixed when the offer is made, and waiting at
 * the store past a free allowance, paid when the delivery ends.
 */
export const DRIVER_PAY_SETTINGS = {
  driverPayCurrency: text({
    env: 'LASTMILE_DRIVER_PAY_CURRENCY',
    description: 'ISO 4217 currency of driver pay (every amount below is in its minor units)',
    default: 'EUR',
    pattern: '^[A-Z]{3}$',
    hint: 'three capital letters, e.g. EUR',
  }),
  driverPayBaseMinor: whole({
    env: 'LASTMILE_DRIVER_PAY_BASE_MINOR',
    description: 'Pay per delivery before distance and waiting (minor units)',
    default: 250,
    minimum: 0,
    maximum: 100_000,
  }),
  driverPayPerKmMinor: whole({
    env: 'LASTMILE_DRIVER_PAY_PER_KM_MINOR',
    description:
      'Pay per kilometre of the way to the store (shared by the deliveries of a trip) and on to each drop-off (minor units)',
    default: 60,
    minimum: 0,
    maximum: 100_000,
  }),
  driverPayWaitFreeS: whole({
    env: 'LASTMILE_DRIVER_PAY_WAIT_FREE_S',
    description:
      'Seconds between arriving at the store and picking up that are not paid as waiting',
    default: 300,
    minimum: 0,
    maximum: 86_400,
  }),
  driverPayWaitPerMinMinor: whole({
    env: 'LASTMILE_DRIVER_PAY_WAIT_PER_MIN_MINOR',
    description: 'Pay per whole minute of waiting at the store past the free seconds (minor units)',
    default: 15,
    minimum: 0,
    maximum: 100_000,
  }),
};
