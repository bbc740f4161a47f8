import { type TProperties, Type } from '@sinclair/typebox';
import { component, ref, stringEnum } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import {
  EtaMessage,
  SnapshotMessage,
  StatusMessage,
  SubstitutionMessage,
} from './tracking-socket.messages.ts';
import { FINAL, rankDoc, STREAM_STATUSES } from './tracking-status.ts';

/** The tracking module's REST shapes (named components of the OpenAPI document). */

const closed = (props: TProperties, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description?: string) =>
  Type.Union([t, Type.Null()], description ? { description } : {});

const TrackingStatus = stringEnum(
  STREAM_STATUSES,
  `The order's status combined with its delivery's. It only moves up this ranking (one rank's statuses joined by |): ${rankDoc()}. Ends: ${[...FINAL].join(', ')} (returned refines failed). The one step back: a driver let go before pickup takes assigned or at_store back to the store's status.`,
);

const EtaWindow = closed(
  { at: DateTime, from: DateTime, to: DateTime },
  'The expected arrival and the window around it',
);

const EtaParts = closed(
  {
    prep_s: Type.Number({ minimum: 0, description: 'Seconds of preparation left' }),
    to_store_s: Type.Number({ minimum: 0, description: 'Seconds for the driver to the store' }),
    to_customer_s: Type.Number({ minimum: 0, description: 'Seconds from the store to the door' }),
  },
  'What the estimate is made of',
);

export const OrderEta = component(
  'OrderEta',
  Type.Object(
    {
      order_id: Uuid,
      status: TrackingStatus,
      eta: nullable(EtaWindow, 'Null once the order ended'),
      parts: EtaParts,
    },
    {
      additionalProperties: false,
      description: "The order's current arrival estimate",
      examples: [
        {
          order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
          status: 'preparing',
          eta: {
            at: '2026-12-06T18:31:00.000Z',
            from: '2026-12-06T18:26:00.000Z',
            to: '2026-12-06T18:38:00.000Z',
          },
          parts: { prep_s: 420, to_store_s: 300, to_customer_s: 540 },
        },
      ],
    },
  ),
);

export const TrackingFeed = component(
  'TrackingFeed',
  Type.Object(
    {
      snapshot: ref(SnapshotMessage.schema),
      items: Type.Array(
        Type.Union([
          ref(StatusMessage.schema),
          ref(EtaMessage.schema),
          ref(SubstitutionMessage.schema),
        ]),
        {
          description: "The order's log after the cursor, in `seq` order: the socket's messages",
        },
      ),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description:
          'Pass as `cursor` for the next page; null when the log has nothing more now (to poll later, send the `seq` of the last message you have)',
      }),
    },
    {
      additionalProperties: false,
      description:
        'Tracking without a socket: the snapshot and a page of the log (the same messages the socket sends)',
      examples: [
        {
          snapshot: {
            type: 'snapshot',
            order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
            status: 'assigned',
            seq: 2,
            eta: {
              at: '2026-12-06T18:31:00.000Z',
              from: '2026-12-06T18:26:00.000Z',
              to: '2026-12-06T18:38:00.000Z',
            },
            driver: {
              id: '0190f0a9-7c8d-7e9f-8a0b-1c2d3e4f5a6b',
              position: { lat: 52.521, lng: 13.409, at: '2026-12-06T18:12:04.000Z' },
            },
          },
          items: [
            {
              seq: 1,
              type: 'status',
              status: 'accepted',
              driver_id: null,
              at: '2026-12-06T17:56:10.000Z',
              reason: null,
            },
            {
              seq: 2,
              type: 'status',
              status: 'assigned',
              driver_id: '0190f0a9-7c8d-7e9f-8a0b-1c2d3e4f5a6b',
              at: '2026-12-06T18:10:41.000Z',
              reason: null,
            },
          ],
          next_cursor: null,
        },
      ],
    },
  ),
);

/** The log's messages are components too: the socket sends them, the feed pages them. */
export const trackingSchemas = [
  ...[SnapshotMessage, StatusMessage, EtaMessage, SubstitutionMessage].map((m) => m.schema),
  OrderEta,
  TrackingFeed,
];
