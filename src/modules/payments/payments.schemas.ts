import { Type } from '@sinclair/typebox';
import { component, stringEnum } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import { Refund } from './refund.schemas.ts';
import type { MismatchKind } from './payments.reconciliation.ts';
import type { WebhookOutcome } from './payments.webhooks.ts';
import type { LedgerKind, PaymentStatus } from './payments-tables.ts';

/** The payments module's API shapes (named components of the OpenAPI document). */

const Minor = Type.Integer({ minimum: 0 });
const keysOf = <K extends string>(r: Readonly<Record<K, true>>) => Object.keys(r) as K[];

// Written as records so a status added to the type must be added here too.
const STATUSES = keysOf<PaymentStatus>({
  failed: true,
  authorized: true,
  declined: true,
  captured: true,
  partially_refunded: true,
  refunded: true,
  voided: true,
});
const KINDS = keysOf<LedgerKind>({ authorize: true, capture: true, void: true, refund: true });

export const Payment = component(
  'Payment',
  Type.Object(
    {
      id: Uuid,
      order_id: Uuid,
      status: stringEnum(
        STATUSES,
        // The guards of payment-authorization.service.ts and payment-movements.service.ts.
        "Where the payment is. Allowed moves: failed (the provider's answer was lost) → authorized | declined | voided; authorized → captured | voided; captured → partially_refunded | refunded; partially_refunded → partially_refunded | refunded; final: declined, voided, refunded",
      ),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
      authorized_minor: Type.Integer({
        minimum: 0,
        description: 'Held on the card now (minor units)',
      }),
      captured_minor: Minor,
      refunded_minor: Minor,
      decline_reason: Type.Union([Type.String(), Type.Null()]),
      provider: Type.String({ description: 'The payment provider holding it, e.g. `fakepay`' }),
      provider_payment_id: Type.Union([Type.String(), Type.Null()]),
      provider_status: Type.Union([Type.String(), Type.Null()], {
        description: "What the provider's webhooks last confirmed",
      }),
      created_at: DateTime,
      updated_at: DateTime,
      movements: Type.Array(
        Type.Object(
          {
            kind: stringEnum(KINDS),
            amount_minor: Minor,
            reason: Type.Union([Type.String(), Type.Null()]),
            created_at: DateTime,
          },
          { additionalProperties: false },
        ),
        { description: 'The ledger: every movement of money, oldest first' },
      ),
    },
    {
      additionalProperties: false,
      description: "An order's payment and its ledger",
      examples: [
        {
          id: '0190f0c2-6b00-7c11-8d22-9e33f4a5b6c7',
          order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
          status: 'authorized',
          currency: 'EUR',
          authorized_minor: 1994,
          captured_minor: 0,
          refunded_minor: 0,
          decline_reason: null,
          provider: 'fakepay',
          provider_payment_id: 'fp_0190f0c26b017d2e8f3a4b5c6d7e8f90',
          provider_status: 'authorized',
          created_at: '2026-12-06T17:55:02.301Z',
          updated_at: '2026-12-06T17:55:02.301Z',
          movements: [
            {
              kind: 'authorize',
              amount_minor: 1994,
              reason: null,
              created_at: '2026-12-06T17:55:02.301Z',
            },
          ],
        },
      ],
    },
  ),
);

const Amount = Type.Union([Type.Number(), Type.String(), Type.Null()]);

export const Reconciliation = Type.Object(
  {
    ok: Type.Boolean({ description: 'True when nothing disagrees' }),
    mismatches: Type.Array(
      Type.Object(
        {
          kind: stringEnum(
            keysOf<MismatchKind>({ ledger: true, invariant: true, provider: true }),
            'Which source disagrees with the payment row: its ledger, a rule, or the provider',
          ),
          payment_id: Uuid,
          order_id: Uuid,
          field: Type.String(),
          expected: Amount,
          actual: Amount,
          detail: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Payments whose row, ledger and provider disagree' },
);

export const WebhookReceipt = Type.Object(
  {
    event_id: Type.String(),
    outcome: stringEnum(
      keysOf<WebhookOutcome>({ applied: true, duplicate: true, out_of_order: true }),
      'applied; duplicate (seen before, nothing changed); out_of_order (older than what was applied, kept only)',
    ),
  },
  { additionalProperties: false, description: 'The provider event was received' },
);

export const paymentsSchemas = [Payment, Refund];

export { Refund };
