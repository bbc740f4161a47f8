import { Type } from '@sinclair/typebox';
import type { CartHoldLimits } from '../../platform/config.ts';
import { component } from '../../platform/http/contract.ts';
import { settingsGroup } from '../../platform/settings/settings-group.ts';

/**
 * The bounds of cart holds, which ops may change while carts are in use; the LASTMILE_CART_HOLD_MAX_*
 * settings are the default. A cart change is judged by the bounds in force when it is made.
 */
export const CART_HOLD_LIMITS = settingsGroup({
  id: 'cart-holds',
  module: 'orders',
  summary: 'Cart hold limits',
  description:
    "How much stock one customer's cart may hold, and for how long (with LASTMILE_CART_HOLDS on; without it carts hold nothing). The defaults are LASTMILE_CART_HOLD_MAX_UNITS, LASTMILE_CART_HOLD_MAX_TOTAL and LASTMILE_CART_HOLD_MAX_AGE_S. A cart change is judged by the limits in force when it is made; what a cart already holds is not taken back.",
  schema: component(
    'CartHoldLimits',
    Type.Object(
      {
        max_units: Type.Integer({
          minimum: 1,
          maximum: 99,
          description: 'Units of one product a cart may hold (above: 409 HOLD_LIMIT)',
        }),
        max_total: Type.Integer({
          minimum: 1,
          maximum: 10_000,
          description: 'Units a cart may hold in all (above: 409 HOLD_LIMIT)',
        }),
        max_age_s: Type.Integer({
          minimum: 60,
          maximum: 86_400,
          description: "Seconds after a cart's first line that its hold may last",
        }),
      },
      { additionalProperties: false },
    ),
  ),
  defaults: (ctx) => ({
    max_units: ctx.config.cartHoldLimits.maxUnits,
    max_total: ctx.config.cartHoldLimits.maxTotal,
    max_age_s: ctx.config.cartHoldLimits.maxAgeS,
  }),
  check: (v) =>
    v.max_units > v.max_total
      ? { path: 'max_units', message: `must not be above max_total (${v.max_total})` }
      : null,
});

/** The group's value as the carts read it. */
export const holdLimitsOf = (v: {
  max_units: number;
  max_total: number;
  max_age_s: number;
}): CartHoldLimits => ({ maxUnits: v.max_units, maxTotal: v.max_total, maxAgeS: v.max_age_s });
