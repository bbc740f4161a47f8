import { Type } from '@sinclair/typebox';
import { ATTENTION_ACTIONS, ATTENTION_KINDS } from '../../platform/attention/attention.ts';
import { component, pageOf, ref, stringEnum } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';

/** The attention list's shapes (named components of the OpenAPI document). */

export const AttentionItem = component(
  'AttentionItem',
  Type.Object(
    {
      kind: stringEnum(
        ATTENTION_KINDS,
        '`order_late`: past its promised window, or waiting too long for the store or a courier; `workflow_stuck`: a saga workflow failed or pending too long; `offer_untaken`: a trip no driver takes; `position_silent`: a delivery under way whose driver sent no position for a while',
      ),
      order_id: Uuid,
      trip_id: Type.Optional(Uuid),
      store_id: Uuid,
      since: Type.String({
        format: 'date-time',
        description: 'When it became late or stuck (the deadline or threshold it passed)',
      }),
      overdue_s: Type.Integer({ minimum: 0, description: 'Seconds since `since`' }),
      summary: Type.String({ description: 'One line for a person' }),
      detail: Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            'The facts behind it, per kind: order_late `reason`, `status`, `promise_to`, `deadline_at`; workflow_stuck `workflow_id` (for the retry), `name`, `status`, `error`, `failed_step`; offer_untaken `trip_status`, `order_ids`, `offers_made`, `waiting_s`; position_silent `delivery_id` (for mark delivered), `driver_id`, `last_position_at`',
        },
      ),
      actions: Type.Array(stringEnum(ATTENTION_ACTIONS), {
        description:
          'Only those safe in its state now: `reassign` POST /v1/dispatch/trips/{trip_id}/reassign; `cancel_refund` POST /v1/orders/{order_id}/cancel; `retry_step` POST /v1/ops/workflows/{detail.workflow_id}/retry; `extend_deadline` POST /v1/orders/{order_id}/deadline; `mark_delivered` POST /v1/deliveries/{delivery_id}/ops-delivered',
      }),
    },
    { additionalProperties: false, description: 'Something that needs a person now' },
  ),
);

export const AttentionPage = Type.Object(
  {
    ...pageOf(ref(AttentionItem), '').properties,
    gaps: Type.Array(stringEnum(ATTENTION_KINDS), {
      description:
        'Kinds that could not be read in full (a source failed, or had more than 500 items): the list may miss some of them',
    }),
  },
  { additionalProperties: false, description: 'Most overdue first' },
);

export const attentionSchemas = [AttentionItem];
