import { Type } from '@sinclair/typebox';
import { component, stringEnum } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';

export const Refund = component(
  'Refund',
  Type.Object(
    {
      id: Uuid,
      order_id: Uuid,
      amount_minor: Type.Integer({ minimum: 1, description: 'Minor units of `currency`' }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
      reason: Type.String(),
      status: stringEnum(
        ['pending', 'succeeded', 'failed'] as const,
        '`pending` holds its amount until the provider answers (repeat the request with its Idempotency-Key to finish it); `succeeded` is in the ledger; `failed` was refused by the provider and holds nothing',
      ),
      created_at: DateTime,
      settled_at: Type.Union([DateTime, Type.Null()], {
        description: 'When it succeeded or failed',
      }),
    },
    {
      additionalProperties: false,
      description: 'Money given back to the customer from what was captured',
      examples: [
        {
          id: '0190f0c2-9c01-7d20-8a11-3b6f3c9a0d07',
          order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
          amount_minor: 249,
          currency: 'EUR',
          reason: 'Yoghurt arrived broken',
          status: 'succeeded',
          created_at: '2026-12-06T19:02:11.000Z',
          settled_at: '2026-12-06T19:02:11.000Z',
        },
      ],
    },
  ),
);
