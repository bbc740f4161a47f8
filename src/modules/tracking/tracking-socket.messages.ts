import { Type } from '@sinclair/typebox';
import { DateTime, Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';
import { type MessageOf, socketMessage } from '../../platform/contract/socket-contract.ts';
import { component } from '../../platform/http/contract.ts';
import { Strict } from '../../platform/http/typed.ts';
import {
  type Heartbeat,
  logSeq,
  logSocketChannel,
  snapshotSeq,
} from '../../platform/realtime/log-channel.ts';
import { STREAM_STATUSES, type TrackingStatus } from './tracking-status.ts';

const KNOWN_STATUSES: ReadonlySet<string> = new Set(STREAM_STATUSES);
const isTrackingStatus = (s: string): s is TrackingStatus => KNOWN_STATUSES.has(s);

/** A status as messages carry it; the combination (tracking-status.ts) yields no other. */
export function trackingStatus(s: string): TrackingStatus {
  if (!isTrackingStatus(s)) throw new Error(`"${s}" is not a tracking status`);
  return s;
}

const Status = OneOf(STREAM_STATUSES);
const Seq = logSeq("the order's log");
const EtaWindow = Strict({
  at: DateTime,
  from: DateTime,
  to: DateTime,
});
const Point = Strict({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  at: DateTime,
});

export const SnapshotMessage = socketMessage(
  'snapshot',
  component(
    'TrackingSnapshot',
    Strict({
      type: Type.Literal('snapshot'),
      order_id: Uuid,
      status: Status,
      seq: snapshotSeq('the log'),
      eta: Nullable(EtaWindow),
      driver: Nullable(Strict({ id: Uuid, position: Nullable(Point) })),
    }),
  ),
  'Where the order stands when the socket opens: status, ETA (null once it ended), its driver and their last position.',
);

export const StatusMessage = socketMessage(
  'status',
  component(
    'TrackingStatus',
    Strict({
      seq: Seq,
      type: Type.Literal('status'),
      status: Status,
      driver_id: Nullable(Uuid),
      at: DateTime,
      reason: Nullable(Type.String()),
    }),
  ),
  'The order moved to a new status, or got (or lost) its driver. Logged: numbered by `seq` and replayed on resume.',
);

export const EtaMessage = socketMessage(
  'eta',
  component(
    'TrackingEta',
    Strict({
      seq: Seq,
      type: Type.Literal('eta'),
      status: OneOf(STREAM_STATUSES, 'The status the estimate was made for'),
      eta: EtaWindow,
      parts: Strict({
        prep_s: Type.Number({ minimum: 0 }),
        to_store_s: Type.Number({ minimum: 0 }),
        to_customer_s: Type.Number({ minimum: 0 }),
      }),
    }),
  ),
  'The arrival estimate moved by more than a minute. Logged: numbered by `seq` and replayed on resume.',
);

export const SubstitutionMessage = socketMessage(
  'substitution',
  component(
    'TrackingSubstitution',
    Strict({
      seq: Seq,
      type: Type.Literal('substitution'),
      substitution_id: Uuid,
      status: OneOf(['proposed', 'accepted', 'declined', 'expired']),
      product_id: Type.String({ format: 'uuid', description: 'The short line' }),
      missing: Type.Integer({ minimum: 1, description: 'Units of the short line it replaces' }),
      substitute_product_id: Uuid,
      name: Type.String(),
      quantity: Type.Integer({ minimum: 1 }),
      unit_price_minor: Type.Integer({ minimum: 0 }),
      currency: Type.String({ minLength: 3, maxLength: 3 }),
      answer_by: DateTime,
    }),
  ),
  'The store proposed a substitute for a short line (answer it at `POST /v1/orders/{id}/substitutions/{substitution_id}/accept` or `/decline` before `answer_by`), or the proposal was answered or expired. Logged: numbered by `seq` and replayed on resume.',
);

export const PositionMessage = socketMessage(
  'position',
  Strict({
    type: Type.Literal('position'),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    at: DateTime,
  }),
  "The driver's newest position, at most one a second; not logged, and skipped while the client reads slowly.",
);

/** Messages of the order's log: numbered, stored, replayed after the cursor. */
export type TrackingMessage =
  | MessageOf<typeof StatusMessage>
  | MessageOf<typeof EtaMessage>
  | MessageOf<typeof SubstitutionMessage>;
/** What the socket sends. */
export type TrackingOutgoing =
  | TrackingMessage
  | MessageOf<typeof SnapshotMessage>
  | MessageOf<typeof PositionMessage>
  | Heartbeat;

export const trackingSocketChannel = logSocketChannel({
  id: 'orderTracking',
  title: 'Order tracking',
  address: '/v1/orders/{id}/track',
  parameters: { id: 'The order to follow.' },
  roles: ['customer', 'driver', 'store', 'ops'],
  atZero: 'from the start',
  description: [
    'Live tracking of one order for its customer, its store, its driver and ops. The server talks, the client listens: the client sends nothing (anything it sends is ignored).',
    '',
    'Order of messages: first one `snapshot`, then the log after the cursor `after` (every `status` and `eta` message whose `seq` is greater, in `seq` order), then live messages as they happen, interleaved with `position` and `heartbeat` messages.',
    '',
    "Sequence and resume: `status`, `eta` and `substitution` messages are numbered per order by `seq`, 1, 2, 3… without gaps, and kept in the order's log. The socket never sends a `seq` twice nor out of order, and never skips one: a live message that arrives ahead of the log is sent only after the ones before it. (The order's courier is not shown `substitution` messages: the goods are settled between the customer and the store, so a courier's `seq` numbers jump over them.) A client remembers the last `seq` it got and reconnects with `?after=<seq>` to get exactly what it missed; `snapshot.seq` is the log's last number when the snapshot was read. `snapshot`, `position` and `heartbeat` carry no `seq` and are not replayed. The same log is readable without a socket at `GET /v1/orders/{id}/tracking?after=<seq>`.",
    '',
    'Flow control: a client whose unread data passes 256 KB gets no `position` messages until it catches up; past 4 MB the connection is dropped without a close frame (the client sees 1006) and should resume with `after`.',
    '',
    'A caller who may not follow the order is refused before the upgrade with a plain HTTP 401, 403 or 404 (problem+json).',
  ].join('\n'),
  sends: [SnapshotMessage, StatusMessage, EtaMessage, SubstitutionMessage, PositionMessage],
});
