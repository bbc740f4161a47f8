import { Type } from '@sinclair/typebox';
import { component, stringEnum } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';

/** A substitute the store proposed for a short line, and where its answer stands. */
export const Substitution = component(
  'Substitution',
  Type.Object(
    {
      id: Uuid,
      order_id: Uuid,
      product_id: Uuid,
      missing: Type.Integer({
        minimum: 1,
        description: 'Units of the short line (`product_id`) the substitute replaces',
      }),
      substitute_product_id: Uuid,
      sku: Type.String(),
      name: Type.String(),
      unit_price_minor: Type.Integer({
        minimum: 0,
        description: "The substitute's catalog price when proposed; it may differ from the line's",
      }),
      quantity: Type.Integer({ minimum: 1, maximum: 99 }),
      status: stringEnum(
        ['proposed', 'accepted', 'declined', 'expired'],
        '`proposed` until the customer answers; `expired` (unanswered by `answer_by`) counts as declined',
      ),
      proposed_at: DateTime,
      answer_by: DateTime,
      answered_at: Type.Union([DateTime, Type.Null()]),
    },
    {
      additionalProperties: false,
      description:
        'A substitute for a short line. Its stock is reserved while proposed; once accepted it is a line of the order (`substitute_for`) and delivery charges it instead of the units it replaces.',
      examples: [
        {
          id: '0190f0c9-1a2b-7c3d-8e4f-5a6b7c8d9e01',
          order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
          product_id: '0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f23',
          missing: 2,
          substitute_product_id: '0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f99',
          sku: 'MILK-OAT-1L',
          name: 'Oat drink 1 l',
          unit_price_minor: 550,
          quantity: 2,
          status: 'proposed',
          proposed_at: '2026-12-06T18:02:10.000Z',
          answer_by: '2026-12-06T18:07:10.000Z',
          answered_at: null,
        },
      ],
    },
  ),
);

export const substitutionsSchemas = [Substitution];
