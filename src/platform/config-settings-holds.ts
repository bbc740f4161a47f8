import { whole } from './config-schema.ts';

const DAY_S = 86_400;

/**
 * Bounds of cart holds (LASTMILE_CART_HOLDS): how much one customer's cart may hold, and for how
 * long however often it is renewed, so no customer can sit on a product's stock.
 */
export const CART_HOLD_SETTINGS = {
  cartHoldMaxUnits: whole({
    env: 'LASTMILE_CART_HOLD_MAX_UNITS',
    description:
      'With cart holds: units of one product one customer may hold; a cart line above it is refused (409 HOLD_LIMIT)',
    default: 20,
    minimum: 1,
    maximum: 99,
  }),
  cartHoldMaxTotal: whole({
    env: 'LASTMILE_CART_HOLD_MAX_TOTAL',
    description:
      'With cart holds: units one customer may hold in all; a cart change above it is refused (409 HOLD_LIMIT)',
    default: 100,
    minimum: 1,
    maximum: 10_000,
  }),
  cartHoldMaxAgeS: whole({
    env: 'LASTMILE_CART_HOLD_MAX_AGE_S',
    description:
      "With cart holds: seconds after a cart's first line that its hold may last, however often it is renewed; then the cart holds nothing (checkout reserves anew)",
    default: 3600,
    minimum: 60,
    maximum: DAY_S,
  }),
};
