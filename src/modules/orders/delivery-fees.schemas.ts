import { Type } from '@sinclair/typebox';
import { component } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';

/** The fee quote's API shape (a named component of the OpenAPI document). */

const Minor = (description: string) => Type.Integer({ minimum: 0, description });

export const DeliveryFee = component(
  'DeliveryFee',
  Type.Object(
    {
      store_id: Uuid,
      delivers: Type.Boolean({
        description:
          'Whether the store is open now and its zone covers the point (what checkout requires)',
      }),
      delivery_fee_minor: Minor("Added to every order, in minor units of the store's prices"),
      small_order_threshold_minor: Minor('Goods below this amount pay a small-order fee'),
      small_order_fee_max_minor: Minor(
        'The small-order fee tops the goods up to the threshold, at most this much',
      ),
    },
    {
      additionalProperties: false,
      description:
        "The fees an order from a store to a point pays besides the goods (the service fee and tax depend on the goods; the cart's totals show them)",
      examples: [
        {
          store_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a12',
          delivers: true,
          delivery_fee_minor: 299,
          small_order_threshold_minor: 1500,
          small_order_fee_max_minor: 300,
        },
      ],
    },
  ),
);
