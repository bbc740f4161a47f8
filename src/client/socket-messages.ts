import type { components } from './socket-types.ts';

// What the API's WebSockets send and accept, named for the client. The types themselves are
// generated from the AsyncAPI document (socket-types.ts).

type Message = components['schemas'];

/** First message of every tracking connection: the order as it stands. Not numbered in the log. */
export type TrackingSnapshot = Message['orderTracking.snapshot'];
/** A numbered log message: the order (or its delivery) moved. */
export type TrackingStatus = Message['orderTracking.status'];
/** A numbered log message: a new estimate, made for the status it names. */
export type TrackingEta = Message['orderTracking.eta'];
/** A numbered log message: the store proposed a substitute for a short line, or it was answered. */
export type TrackingSubstitution = Message['orderTracking.substitution'];
/** The driver's newest position (at most one a second; not numbered, may be skipped). */
export type TrackingPosition = Message['orderTracking.position'];
export type Heartbeat = Message['orderTracking.heartbeat'];

/** Everything `GET /v1/orders/{id}/track` sends. */
export type TrackingMessage =
  | TrackingSnapshot
  | TrackingStatus
  | TrackingEta
  | TrackingSubstitution
  | TrackingPosition
  | Heartbeat;

/** The messages of the order's log, in `seq` order; a reconnect resumes after the last one seen. */
export type TrackingLogMessage = TrackingStatus | TrackingEta | TrackingSubstitution;

/** What the driver app sends on `GET /v1/drivers/me/channel`. */
export type DriverChannelRequest =
  Message['driverChannel.locations'] | Message['driverChannel.ping'];
/** A location fix as the driver app uploads it (same fields as `POST /v1/drivers/me/locations`). */
export type LocationFix = Message['driverChannel.locations']['points'][number];
/** The answer to one `locations` message. */
export type LocationsAck = Message['driverChannel.ack'];
/** A refused message: the same codes as the HTTP API's problems. */
export type ChannelError = Message['driverChannel.error'];
/** A job offered to the driver; answer it over HTTP (`/v1/dispatch/offers/{id}/accept`). */
export type OfferPush = Message['driverChannel.offer'];

/** Everything `GET /v1/drivers/me/channel` sends. Pushes are at most once: after a reconnect, read the open offer over HTTP. */
export type DriverChannelMessage =
  | LocationsAck
  | ChannelError
  | Message['driverChannel.pong']
  | OfferPush
  | Message['driverChannel.offer_expired']
  | Message['driverChannel.trip_unassigned']
  | Message['driverChannel.trip_canceled']
  | Message['driverChannel.order_ready'];

/** First message of a store stream that starts (or is too far behind): the open orders. */
export type StoreOrdersSnapshot = Message['storeOrders.snapshot'];
/** A numbered log message: one of the store's orders moved (`authorized` is a new paid order). */
export type StoreOrderUpdate = Message['storeOrders.order'];
/** A numbered log message: a paid order is near its accept deadline. */
export type StoreOrderWaiting = Message['storeOrders.waiting'];

/** The messages of the store's log, in `seq` order; a reconnect resumes after the last one seen. */
export type StoreOrdersLogMessage = StoreOrderUpdate | StoreOrderWaiting;
/** Everything `GET /v1/stores/{id}/orders/live` sends. */
export type StoreOrdersMessage =
  StoreOrdersSnapshot | StoreOrdersLogMessage | Message['storeOrders.heartbeat'];

/** The whole city when the ops live map's socket starts (or cannot resume): replace everything. */
export type OpsCitySnapshot = Message['opsCity.snapshot'];
/** What changed since the previous frame (numbered by `seq` within its `epoch`). */
export type OpsCityFrame = Message['opsCity.frame'];
/** Everything `GET /v1/ops/city/live` sends. */
export type OpsCityMessage = OpsCitySnapshot | OpsCityFrame | Message['opsCity.heartbeat'];
/** A driver's point on the live map (`at`: when the phone recorded it, epoch ms). */
export type OpsCityPosition = Message['OpsCityPosition'];
export type OpsCityDriver = Message['OpsCityDriver'];
export type OpsCityOrder = Message['OpsCityOrder'];
export type OpsCityStore = Message['OpsCityStore'];
/** An H3 cell with its demand (orders waiting) and supply (available drivers). */
export type OpsCityZone = Message['OpsCityZone'];
