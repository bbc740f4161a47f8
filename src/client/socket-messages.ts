// What the API's two WebSockets send and accept. The OpenAPI document describes HTTP only, so
// these are declared here by hand, from what the server sends today.

/** A point in time as the API writes it (ISO 8601). */
type Instant = string;
/** Arrival estimate: the most likely time and the window around it. */
export interface EtaWindow {
  at: Instant;
  from: Instant;
  to: Instant;
}

/** First message of every tracking connection: the order as it stands. Not numbered in the log. */
export interface TrackingSnapshot {
  type: 'snapshot';
  order_id: string;
  status: string;
  /** The log's newest number when the snapshot was read. */
  seq: number;
  eta: EtaWindow | null;
  driver: {
    id: string;
    position: { lat: number; lng: number; at: Instant } | null;
  } | null;
}

/** A numbered log message: the order (or its delivery) moved. */
export interface TrackingStatus {
  type: 'status';
  seq: number;
  status: string;
  driver_id: string | null;
  at: Instant;
  reason: string | null;
}

/** A numbered log message: a new estimate, made for the status it names. */
export interface TrackingEta {
  type: 'eta';
  seq: number;
  status: string;
  eta: EtaWindow;
  parts: { prep_s: number; to_store_s: number; to_customer_s: number };
}

/** The driver's newest position (at most one a second; not numbered, may be skipped). */
export interface TrackingPosition {
  type: 'position';
  lat: number;
  lng: number;
  at: Instant;
}

export interface Heartbeat {
  type: 'heartbeat';
  at: Instant;
}

/** Everything `GET /v1/orders/{id}/track` sends. */
export type TrackingMessage =
  TrackingSnapshot | TrackingStatus | TrackingEta | TrackingPosition | Heartbeat;

/** The messages of the order's log, in `seq` order; a reconnect resumes after the last one seen. */
export type TrackingLogMessage = TrackingStatus | TrackingEta;

/** A location fix as the driver app uploads it (same fields as `POST /v1/drivers/me/locations`). */
export interface LocationFix {
  lat: number;
  lng: number;
  recorded_at: Instant;
  accuracy_m?: number;
  speed_mps?: number;
  heading_deg?: number;
}

/** What the driver app sends on `GET /v1/drivers/me/channel`. */
export type DriverChannelRequest =
  | { type: 'locations'; ref: string | number; points: LocationFix[] }
  | { type: 'ping'; ref: string | number };

/** The answer to one `locations` message. */
export interface LocationsAck {
  type: 'ack';
  ref: string | number | null;
  accepted: number;
  dropped: { out_of_order: number; impossible_jump: number };
}

/** A refused message: the same codes as the HTTP API's problems. */
export interface ChannelError {
  type: 'error';
  ref: string | number | null;
  code: string;
  detail: string;
  retry_after_s?: number;
}

/** A job offered to the driver; answer it over HTTP (`/v1/dispatch/offers/{id}/accept`). */
export interface OfferPush {
  type: 'offer';
  offer_id: string;
  trip_id: string;
  expires_at: Instant;
  pickup: { store_id: string; lat: number; lng: number; distance_m: number } | null;
  dropoffs: Array<{ lat: number; lng: number; items: number }>;
}

/** Everything `GET /v1/drivers/me/channel` sends. Pushes are at most once: after a reconnect, read the open offer over HTTP. */
export type DriverChannelMessage =
  | LocationsAck
  | ChannelError
  | { type: 'pong'; ref: string | number | null }
  | OfferPush
  | { type: 'offer_expired'; offer_id: string }
  | { type: 'trip_unassigned'; trip_id: string; reason: string }
  | { type: 'trip_canceled'; order_id: string };
