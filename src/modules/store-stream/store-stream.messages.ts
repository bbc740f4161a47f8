import { Type } from '@sinclair/typebox';
import { DateTime, Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';
import { type MessageOf, socketMessage } from '../../platform/contract/socket-contract.ts';
import { Strict } from '../../platform/http/typed.ts';
import {
  type Heartbeat,
  logSeq,
  logSocketChannel,
  snapshotSeq,
} from '../../platform/realtime/log-channel.ts';
import { BEFORE_PICKUP, PAST_PAYMENT_STATUSES, type PastPaymentStatus } from '../orders/index.ts';

/** The order statuses the store's stream reports: every status from payment on. */
export const STREAM_ORDER_STATUSES = PAST_PAYMENT_STATUSES;
export type StreamOrderStatus = PastPaymentStatus;
const KNOWN: ReadonlySet<string> = new Set(STREAM_ORDER_STATUSES);
export const isStreamOrderStatus = (s: string): s is StreamOrderStatus => KNOWN.has(s);

const Seq = logSeq("the store's log");
const Money = Type.Integer({ minimum: 0, description: 'In minor units' });
const Currency = Type.String({ minLength: 3, maxLength: 3 });
const AcceptBy = Nullable(DateTime);

const OpenOrder = Strict({
  order_id: Uuid,
  status: OneOf(BEFORE_PICKUP),
  total_minor: Money,
  currency: Currency,
  status_at: DateTime,
  accept_by: AcceptBy,
  waiting: Type.Boolean({
    description: 'Paid, not accepted, and near its accept deadline (a `waiting` message went out)',
  }),
});

export const StoreSnapshotMessage = socketMessage(
  'snapshot',
  Strict({
    type: Type.Literal('snapshot'),
    store_id: Uuid,
    seq: snapshotSeq("the store's log"),
    orders: Type.Array(OpenOrder, {
      description: 'The orders the store still has to act on (paid to ready), oldest first',
    }),
  }),
  "The store's open orders as they stand. Sent first on a new stream (`after=0`) and on a resume too far behind the log; the log continues after its `seq`.",
);

export const StoreOrderMessage = socketMessage(
  'order',
  Strict({
    seq: Seq,
    type: Type.Literal('order'),
    order_id: Uuid,
    status: OneOf(STREAM_ORDER_STATUSES),
    total_minor: Money,
    currency: Currency,
    at: DateTime,
    accept_by: AcceptBy,
    reason: Nullable(Type.String()),
  }),
  'An order of the store moved: `authorized` is a new paid order waiting to be accepted (until `accept_by`), then accepted, preparing, ready, picked_up, delivered, or canceled/failed (with `reason`). Logged: numbered by `seq` and replayed on resume.',
);

export const StoreWaitingMessage = socketMessage(
  'waiting',
  Strict({
    seq: Seq,
    type: Type.Literal('waiting'),
    order_id: Uuid,
    accept_by: DateTime,
    at: DateTime,
  }),
  'A paid order has waited two thirds of its accept window (`LASTMILE_ACCEPT_TIMEOUT_S`) without being accepted; at `accept_by` it is canceled. Logged: numbered by `seq` and replayed on resume.',
);

/** The messages of the store's log: numbered, stored, replayed after the cursor. */
export type StoreLogMessage =
  MessageOf<typeof StoreOrderMessage> | MessageOf<typeof StoreWaitingMessage>;
/** A log message before it is numbered. */
export type StoreLogEntry =
  | Omit<MessageOf<typeof StoreOrderMessage>, 'seq'>
  | Omit<MessageOf<typeof StoreWaitingMessage>, 'seq'>;
export type StoreSnapshot = MessageOf<typeof StoreSnapshotMessage>;
/** What the socket sends. */
export type StoreStreamOutgoing = StoreLogMessage | StoreSnapshot | Heartbeat;

/** Log messages a resume may replay; further behind, the client gets a snapshot instead. */
export const MAX_REPLAY = 1000;

export const storeStreamChannel = logSocketChannel({
  id: 'storeOrders',
  title: "A store's live orders",
  address: '/v1/stores/{id}/orders/live',
  parameters: { id: 'The store whose orders to follow.' },
  roles: ['store', 'ops'],
  atZero: 'start with a snapshot',
  description: [
    "The store app's incoming-orders queue, live: for the store's own staff and ops. The server talks, the client listens: anything the client sends is ignored.",
    '',
    "Order of messages: with `after=0`, one `snapshot` (the open orders, and the log's last `seq`) then the log after it; with `after=<seq>`, the log after that `seq` with no snapshot, unless the log no longer holds it (kept 24 h, at most " +
      `${MAX_REPLAY}` +
      ' messages replayed), when a `snapshot` comes first instead. Then live messages as they happen, and a `heartbeat` every 25 s.',
    '',
    "Sequence and resume: `order` and `waiting` messages are numbered per store by `seq`, 1, 2, 3… without gaps, in the order the changes committed. The socket never sends a `seq` twice, out of order, or with a gap. Every socket of the store sees the same sequence. A client remembers the last `seq` it got and reconnects with `?after=<seq>` to get exactly what it missed; after a `snapshot`, it replaces its list with the snapshot's orders and continues from `snapshot.seq`.",
    '',
    'A caller who may not follow the store is refused before the upgrade with a plain HTTP 401, 403 (a customer, a driver, another store) or 404 (problem+json).',
  ].join('\n'),
  sends: [StoreSnapshotMessage, StoreOrderMessage, StoreWaitingMessage],
});
