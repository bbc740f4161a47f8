import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DateTime, Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';
import {
  type MessageOf,
  type SocketChannel,
  socketMessage,
} from '../../platform/contract/socket-contract.ts';
import { component } from '../../platform/http/contract.ts';
import { Strict } from '../../platform/http/typed.ts';
import {
  type Heartbeat,
  HeartbeatMessage,
  LOG_SOCKET_CLOSE,
  TicketQuery,
} from '../../platform/realtime/log-channel.ts';
import { VEHICLES } from '../drivers/index.ts';
import { OPEN_STATUSES } from '../orders/index.ts';

/** A driver on shift: online. */
export const CITY_DRIVER_STATUSES = ['available', 'on_delivery', 'break'] as const;
export const CITY_STORE_STATUSES = ['open', 'paused', 'backlogged'] as const;

const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });
const Count = Type.Integer({ minimum: 0 });
/** A zone: the map filters by it with these, so the client never decides what lies in a cell. */
const Cell = (what: string) =>
  Type.String({ pattern: '^[0-9a-f]{15}$', description: `${what}: an H3 cell of resolution 8` });
/** An epoch: the stream a `seq` counts in. */
const EPOCH = { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' };
const Epoch = Type.String({
  ...EPOCH,
  description:
    'The stream this message belongs to: chosen when the serving process starts following the city; a resume names it with `seq`',
});

// Named (`component()`): the snapshot lists them, the frames change them; the document states
// each once.
const Position = component(
  'OpsCityPosition',
  Strict({
    id: Uuid,
    lat: Lat,
    lng: Lng,
    cell: Cell('The zone the driver is in'),
    at: Type.Integer({
      minimum: 0,
      description: 'When the driver recorded the point, epoch milliseconds',
    }),
  }),
);
const Driver = component(
  'OpsCityDriver',
  Strict({
    id: Uuid,
    name: Type.String(),
    status: OneOf(CITY_DRIVER_STATUSES),
    vehicle: OneOf(VEHICLES),
    trip_id: Nullable(Uuid),
    order_ids: Type.Array(Uuid, { description: "The orders of the driver's trip still under way" }),
  }),
);
const Order = component(
  'OpsCityOrder',
  Strict({
    id: Uuid,
    status: OneOf(OPEN_STATUSES),
    store_id: Uuid,
    lat: Lat,
    lng: Lng,
    cell: Cell('The zone of its drop-off'),
    deadline_at: Nullable(DateTime),
    late: Type.Boolean({ description: 'Late as the attention list counts it (`order_late`)' }),
  }),
);
const Store = component(
  'OpsCityStore',
  Strict({
    id: Uuid,
    name: Type.String(),
    lat: Lat,
    lng: Lng,
    cell: Cell('The zone the store is in'),
    status: OneOf(
      CITY_STORE_STATUSES,
      '`backlogged`: open, with more orders not yet picked up than `LASTMILE_OPS_STORE_BACKLOG`',
    ),
    open_orders: Type.Integer({ minimum: 0, description: 'Its orders paid and not yet picked up' }),
  }),
);
const Zone = component(
  'OpsCityZone',
  Strict({
    cell: Cell('The zone'),
    boundary: Type.Array(Type.Tuple([Lat, Lng]), { description: "The cell's corners, [lat, lng]" }),
    demand: Count,
    supply: Count,
  }),
);

export type CityPosition = Static<typeof Position>;
export type CityDriver = Static<typeof Driver>;
export type CityOrder = Static<typeof Order>;
export type CityStore = Static<typeof Store>;
export type CityZone = Static<typeof Zone>;

/** What a frame changes of one kind: entries added or changed, and the ids (cells) gone. */
const Changes = <T extends TSchema>(item: T, what: string) =>
  Type.Optional(
    Strict(
      {
        upsert: Type.Array(item),
        remove: Type.Array(Type.String()),
      },
      `${what} added or changed, and the ids of those gone; left out when none changed`,
    ),
  );

export const CitySnapshotMessage = socketMessage(
  'snapshot',
  Strict({
    type: Type.Literal('snapshot'),
    epoch: Epoch,
    seq: Type.Integer({
      minimum: 0,
      description: 'The number of the last frame the snapshot includes; frames continue after it',
    }),
    at: DateTime,
    positions: Type.Array(Position, { description: 'Online drivers with a fresh position' }),
    drivers: Type.Array(Driver, { description: 'Every driver on shift' }),
    orders: Type.Array(Order),
    stores: Type.Array(Store),
    zones: Type.Array(Zone, { description: 'The cells with demand or supply' }),
  }),
  'The whole city as it stands: sent first unless the client resumes within what the server still holds.',
);

export const CityFrameMessage = socketMessage(
  'frame',
  Strict({
    type: Type.Literal('frame'),
    epoch: Epoch,
    seq: Type.Integer({ minimum: 1, description: "The frame's number in its epoch: 1, 2, 3…" }),
    at: DateTime,
    positions: Changes(Position, 'Driver positions'),
    drivers: Changes(Driver, 'Drivers on shift'),
    orders: Changes(Order, 'Open orders'),
    stores: Changes(Store, 'Stores'),
    zones: Changes(Zone, 'Zones (removed by cell)'),
  }),
  'What changed since the previous frame. Numbered by `seq` within the `epoch`, never skipped or repeated.',
);

export type CitySnapshot = MessageOf<typeof CitySnapshotMessage>;
export type CityFrame = MessageOf<typeof CityFrameMessage>;
/** What the socket sends. */
export type CityOutgoing = CitySnapshot | CityFrame | Heartbeat;

/** Where a client resumes: the socket route's query (and, with the ticket, the channel's). */
export const CityCursorQuery = Strict({
  after: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 2 ** 31 - 1,
      default: 0,
      description: 'Resume cursor: the last `seq` the client received (with its `epoch`)',
    }),
  ),
  epoch: Type.Optional(
    Type.String({ ...EPOCH, description: 'The `epoch` of that `seq` (none: start afresh)' }),
  ),
});

export const opsCityChannel: SocketChannel = {
  id: 'opsCity',
  title: 'The live city (ops)',
  address: '/v1/ops/city/live',
  parameters: {},
  roles: ['ops'],
  query: Strict({ ...CityCursorQuery.properties, ticket: TicketQuery }),
  description: [
    "The ops console's live map: every driver on shift (status, vehicle, trip) and where they are, the open orders (paid, not yet delivered), the stores (open, paused or backlogged) and H3 cells of resolution 8 with their demand (open orders not yet picked up whose drop-off or store is in the cell) and supply (available drivers there); each position, order and store names its cell, so a client narrows the map to a zone without deciding itself what lies in it. For ops only; anyone else is refused before the upgrade (401, 403). The server talks, the client listens: anything the client sends is ignored.",
    '',
    "How it is made: while at least one socket listens, the serving process reads the drivers' positions every `LASTMILE_OPS_CITY_TICK_MS` (250 ms) and the rest every `LASTMILE_OPS_CITY_STATE_MS` (2 s). Each read that changed something is one `frame` holding only the changes, numbered by `seq` (1, 2, 3…) within an `epoch` the process chose when it started following the city (again after its last socket closed).",
    '',
    'Order of messages: a `snapshot` (the whole city, its `epoch` and the `seq` it includes), then every frame after it in `seq` order, never skipped, repeated or reordered, and a `heartbeat` every 25 s. A client that resumes with `?after=<seq>&epoch=<epoch>` gets the frames after that `seq` with no snapshot, if the process still holds them (about the last 60 s, same epoch); otherwise a `snapshot` first, which replaces everything it had.',
    '',
    'A client too slow to read what is sent (4 MB waiting) is cut; it resumes with its cursor.',
  ].join('\n'),
  sends: [CitySnapshotMessage, CityFrameMessage, HeartbeatMessage],
  receives: [],
  closeCodes: Object.values(LOG_SOCKET_CLOSE),
};
