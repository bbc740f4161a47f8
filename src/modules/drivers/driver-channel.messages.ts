import { Type } from '@sinclair/typebox';
import { ErrorCodes } from '../../platform/errors.ts';
import { DateTime, Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';
import {
  type MessageOf,
  type SocketChannel,
  type SocketCloseCode,
  socketMessage,
} from '../../platform/contract/socket-contract.ts';
import { Strict } from '../../platform/http/typed.ts';
import { MAX_POINTS_PER_BATCH, PointSchema } from './location-input.ts';
import { OfferShape } from './offer.schema.ts';

/** What the app sends to match a reply to its message; echoed as given, null when it sent none. */
const Ref = Nullable(
  Type.Union([Type.String(), Type.Number()], {
    description: "The client's own reference, echoed in the reply",
  }),
);
const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });

// Client to server. The server reads `type`, `ref` and `points` and ignores any other field.
export const LocationsMessage = socketMessage(
  'locations',
  Type.Object({
    type: Type.Literal('locations'),
    ref: Type.Optional(Ref),
    points: Type.Array(PointSchema, { minItems: 1, maxItems: MAX_POINTS_PER_BATCH }),
  }),
  'GPS fixes from the phone, with the same rules as `POST /v1/drivers/me/locations`. Answered by `ack` or `error` with the same `ref`.',
);

export const PingMessage = socketMessage(
  'ping',
  Type.Object({ type: Type.Literal('ping'), ref: Type.Optional(Ref) }),
  'Asks the server whether the channel still works; answered by `pong` with the same `ref`.',
);

// Server to client: replies.
export const AckMessage = socketMessage(
  'ack',
  Strict({
    type: Type.Literal('ack'),
    ref: Ref,
    accepted: Type.Integer({ minimum: 0, description: 'Points taken' }),
    dropped: Strict({
      out_of_order: Type.Integer({ minimum: 0, description: 'Older than a point already taken' }),
      impossible_jump: Type.Integer({
        minimum: 0,
        description: 'Faster than 70 m/s from the last',
      }),
    }),
  }),
  'The points of a `locations` message were taken (or dropped as noise, counted by reason).',
);

export const PongMessage = socketMessage(
  'pong',
  Strict({ type: Type.Literal('pong'), ref: Ref }),
  'The answer to a `ping`.',
);

export const ErrorMessage = socketMessage(
  'error',
  Strict({
    type: Type.Literal('error'),
    ref: Ref,
    code: OneOf(Object.keys(ErrorCodes) as Array<keyof typeof ErrorCodes>),
    detail: Type.String(),
    retry_after_s: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'When the server sheds load: retry after this long',
      }),
    ),
  }),
  'A client message was refused (not JSON, unknown type, invalid points, server overloaded); nothing of it was kept.',
);

// Server to client: pushes, at most once each (the app re-reads its offer over REST on reconnect).
export const OfferMessage = socketMessage(
  'offer',
  Strict({
    type: Type.Literal('offer'),
    offer_id: Uuid,
    trip_id: Uuid,
    expires_at: DateTime,
    pickup: Nullable(
      Strict({
        store_id: Uuid,
        lat: Lat,
        lng: Lng,
        distance_m: Type.Number({ minimum: 0, description: 'From the driver to the store' }),
      }),
    ),
    dropoffs: Type.Array(Strict({ lat: Lat, lng: Lng, items: Type.Integer({ minimum: 1 }) })),
    offer: OfferShape,
  }),
  'A trip is offered to this driver until `expires_at`; answer with `POST /v1/dispatch/offers/{id}/accept` or `/decline`. `offer` is the offer in the shape of `GET /v1/dispatch/offers` (with its pay); the fields beside it are kept for apps written before it.',
);

export const OfferExpiredMessage = socketMessage(
  'offer_expired',
  Strict({ type: Type.Literal('offer_expired'), offer_id: Uuid }),
  'The offer was not answered in time and went to someone else.',
);

export const TripCanceledMessage = socketMessage(
  'trip_canceled',
  Strict({ type: Type.Literal('trip_canceled'), order_id: Uuid }),
  "An order of the driver's trip was canceled; the driver is free again.",
);

export const OrderReadyMessage = socketMessage(
  'order_ready',
  Strict({
    type: Type.Literal('order_ready'),
    trip_id: Uuid,
    delivery_id: Uuid,
    order_id: Uuid,
  }),
  "The store packed an order of the driver's trip: its bag waits at the counter, so `POST /v1/deliveries/{id}/picked-up` now succeeds.",
);

export const TripUnassignedMessage = socketMessage(
  'trip_unassigned',
  Strict({ type: Type.Literal('trip_unassigned'), trip_id: Uuid, reason: Type.String() }),
  'Ops took the trip from the driver (reassigned or let go); `reason` says why.',
);

/** What the platform pushes to a driver's app through the bus, from any process. */
export type DriverPush =
  | MessageOf<typeof OfferMessage>
  | MessageOf<typeof OfferExpiredMessage>
  | MessageOf<typeof TripCanceledMessage>
  | MessageOf<typeof TripUnassignedMessage>
  | MessageOf<typeof OrderReadyMessage>;

/** What the channel sends. */
export type DriverChannelOutgoing =
  | DriverPush
  | MessageOf<typeof AckMessage>
  | MessageOf<typeof PongMessage>
  | MessageOf<typeof ErrorMessage>;

/** The close codes of the driver channel. */
export const DRIVER_CHANNEL_CLOSE = {} satisfies Record<string, SocketCloseCode>;

export const driverChannel: SocketChannel = {
  id: 'driverChannel',
  title: 'Driver channel',
  address: '/v1/drivers/me/channel',
  parameters: {},
  roles: ['driver'],
  query: Strict({
    ticket: Type.Optional(
      Type.String({
        description: 'A single-use ticket for this socket, for clients that cannot send a bearer',
      }),
    ),
  }),
  description: [
    "The driver app's channel: the app sends its GPS fixes and pings, the server answers each and pushes offers and changes to the driver's trip.",
    '',
    'Replies: every `locations` is answered by one `ack` or one `error`, every `ping` by one `pong`, each carrying the `ref` the app sent (null when it sent none); a message that is not JSON is answered by an `error` with `ref` null. Replies may come in another order than the messages when several are in flight: match them by `ref`.',
    '',
    'Pushes (`offer`, `offer_expired`, `order_ready`, `trip_canceled`, `trip_unassigned`) are sent at most once, to whichever connection of the driver is open at that moment; they carry no sequence number and are not replayed. After a reconnect the app reads its state over REST (`GET /v1/dispatch/offers`, `GET /v1/dispatch/trips/current`).',
    '',
    'Liveness: the server pings at the WebSocket level every 25 s; a connection that answered neither that ping nor sent anything until the next one is dropped without a close frame (the client sees 1006) and should reconnect.',
    '',
    'A caller who is not a driver is refused before the upgrade with a plain HTTP 401 or 403 (problem+json).',
  ].join('\n'),
  sends: [
    AckMessage,
    PongMessage,
    ErrorMessage,
    OfferMessage,
    OfferExpiredMessage,
    TripCanceledMessage,
    TripUnassignedMessage,
    OrderReadyMessage,
  ],
  receives: [LocationsMessage, PingMessage],
  replies: { locations: ['ack', 'error'], ping: ['pong'] },
  closeCodes: Object.values(DRIVER_CHANNEL_CLOSE),
};
