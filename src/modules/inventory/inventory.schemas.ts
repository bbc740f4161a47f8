import { Type } from '@sinclair/typebox';
import { component, stringEnum } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';
import { ADJUSTMENT_KINDS } from './inventory-tables.ts';

/** The inventory's API shapes (named components of the OpenAPI document). */

const closed = { additionalProperties: false } as const;
const At = Type.String({ format: 'date-time' });

export const Stock = component(
  'Stock',
  Type.Object(
    {
      store_id: Uuid,
      product_id: Uuid,
      on_hand: Type.Integer({ minimum: 0, description: 'Units in the store' }),
      reserved: Type.Integer({ minimum: 0, description: 'Units held for orders and carts' }),
      available: Type.Integer({ minimum: 0, description: 'on_hand − reserved: can be ordered' }),
      updated_at: At,
    },
    {
      ...closed,
      description: 'The stock of one product in one store',
      examples: [
        {
          store_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a12',
          product_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a11',
          on_hand: 24,
          reserved: 3,
          available: 21,
          updated_at: '2026-12-06T18:04:11.120Z',
        },
      ],
    },
  ),
);

export const StockAdjustment = component(
  'StockAdjustment',
  Type.Object(
    {
      id: Uuid,
      store_id: Uuid,
      product_id: Uuid,
      kind: stringEnum(
        ADJUSTMENT_KINDS,
        'count and import set the level; restock and adjustment add to it',
      ),
      delta: Type.Integer({ description: 'Units added (+) or removed (−) by this change' }),
      on_hand_after: Type.Integer({ minimum: 0 }),
      reason: Type.String(),
      actor_id: Type.String({ description: 'The account that made the change' }),
      created_at: At,
    },
    { ...closed, description: 'One change of the units on hand, in the audit trail' },
  ),
);

export const inventorySchemas = [Stock, StockAdjustment];
