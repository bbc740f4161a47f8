import { Type } from '@sinclair/typebox';
import { DateTime, Nullable } from '../contract/schemas.ts';
import { component, stringEnum } from './contract.ts';

const NullableTime = Nullable(DateTime);

const EXAMPLE = {
  id: 42,
  consumer: 'notifications',
  event_id: '0190f0d1-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
  event_type: 'support.ticket_opened',
  attempts: 5,
  error: 'connection terminated',
  created_at: '2026-12-06T18:45:11.000Z',
  replay_requested_at: null,
  replayed_at: null,
  discarded_at: null,
};

const letterProperties = {
  id: Type.Integer({ minimum: 1 }),
  consumer: Type.String({ description: 'The consumer that gave up' }),
  event_id: Type.String(),
  event_type: Type.String(),
  attempts: Type.Integer({ minimum: 1 }),
  error: Type.String({ description: 'The last failure' }),
  created_at: DateTime,
  replay_requested_at: NullableTime,
  replayed_at: NullableTime,
  discarded_at: Type.Union([DateTime, Type.Null()], {
    description: 'When an operator discarded it (it is never replayed then)',
  }),
};

export const DeadLetter = component(
  'DeadLetter',
  Type.Object(letterProperties, {
    additionalProperties: false,
    description: 'An event a consumer gave up on after its retries',
    examples: [EXAMPLE],
  }),
);

export const DeadLetterDetail = component(
  'DeadLetterDetail',
  Type.Object(
    {
      ...letterProperties,
      event: Type.Object(
        {
          id: Type.String(),
          type: Type.String(),
          version: Type.Integer(),
          aggregate_id: Type.Union([Type.String(), Type.Null()]),
          occurred_at: Type.String(),
          payload: Type.Unknown({
            description: 'As the consumer got it, redacted like the order timeline (no secrets)',
          }),
        },
        { additionalProperties: false, description: 'The event it holds' },
      ),
    },
    {
      additionalProperties: false,
      description: 'A dead letter with its event',
      examples: [
        {
          ...EXAMPLE,
          event: {
            id: EXAMPLE.event_id,
            type: EXAMPLE.event_type,
            version: 1,
            aggregate_id: '0190f0d1-0a1b-7c2d-8e3f-000000000042',
            occurred_at: '2026-12-06T18:45:10.000Z',
            payload: { ticketId: '0190f0d1-0a1b-7c2d-8e3f-000000000042', subject: 'Late order' },
          },
        },
      ],
    },
  ),
);

export const REPLAY_OUTCOMES = [
  'requested',
  'already_requested',
  'already_replayed',
  'discarded',
  'not_found',
] as const;

export const ReplayResults = component(
  'DeadLetterReplayResults',
  Type.Object(
    {
      items: Type.Array(
        Type.Object(
          {
            id: Type.Integer({ minimum: 1 }),
            outcome: stringEnum(
              REPLAY_OUTCOMES,
              'requested: marked for replay now; already_requested: waiting for its worker; already_replayed, discarded: left as it is; not_found: no such dead letter',
            ),
          },
          { additionalProperties: false },
        ),
        { description: 'One per distinct id, in the order asked' },
      ),
    },
    {
      additionalProperties: false,
      description: 'What a replay of many did to each',
      examples: [
        {
          items: [
            { id: 42, outcome: 'requested' },
            { id: 43, outcome: 'already_replayed' },
          ],
        },
      ],
    },
  ),
);
