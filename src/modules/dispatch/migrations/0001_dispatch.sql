-- A trip is one driver's job: one delivery, or two batched from the same store. Offers are made
-- for a trip; accepting one claims the trip and the driver in one transaction.
CREATE TABLE trips (
  id uuid PRIMARY KEY,
  store_id uuid NOT NULL,
  pickup_lat double precision NOT NULL,
  pickup_lng double precision NOT NULL,
  status text NOT NULL CHECK (status IN ('scheduled', 'searching', 'offered', 'assigned', 'done', 'canceled')),
  driver_id uuid,
  items int NOT NULL CHECK (items > 0),
  -- When offering starts: timed so the driver reaches the store as the order gets ready.
  dispatch_at timestamptz NOT NULL,
  -- When a dispatcher looks at the trip next (scheduled/searching only); also its lease.
  next_attempt_at timestamptz,
  -- Index into the configured radii; offers made at the current radius.
  round int NOT NULL DEFAULT 0 CHECK (round >= 0),
  offers_in_round int NOT NULL DEFAULT 0,
  offers_made int NOT NULL DEFAULT 0,
  -- Drivers offered in an earlier cycle may be offered again (an escalation starts a new cycle).
  cycle int NOT NULL DEFAULT 1,
  priority int NOT NULL DEFAULT 0,
  escalated_at timestamptz,
  assigned_at timestamptz,
  created_at timestamptz NOT NULL,
  status_at timestamptz NOT NULL,
  version int NOT NULL DEFAULT 1,
  CHECK ((status = 'assigned') = (driver_id IS NOT NULL) OR status IN ('done', 'canceled'))
);
-- One driver never holds two trips: the database refuses a second assignment.
CREATE UNIQUE INDEX trips_one_per_driver ON trips (driver_id) WHERE status = 'assigned';
CREATE INDEX trips_due ON trips (next_attempt_at) WHERE status IN ('scheduled', 'searching');
CREATE INDEX trips_open_by_store ON trips (store_id) WHERE status IN ('scheduled', 'searching');

CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL UNIQUE,
  trip_id uuid NOT NULL REFERENCES trips (id),
  store_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  dropoff_lat double precision NOT NULL,
  dropoff_lng double precision NOT NULL,
  dropoff_address text NOT NULL,
  items int NOT NULL CHECK (items > 0),
  age_restricted boolean NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'assigned', 'at_store', 'picked_up', 'at_dropoff', 'delivered', 'failed', 'returned', 'canceled')),
  driver_id uuid,
  -- Shown to the customer, asked by the driver at the door.
  pin text NOT NULL CHECK (pin ~ '^[0-9]{4}$'),
  order_ready boolean NOT NULL DEFAULT false,
  ready_estimate_at timestamptz NOT NULL,
  promised_at timestamptz NOT NULL,
  proof_photo_ref text,
  age_checked boolean,
  reason text,
  rating int CHECK (rating BETWEEN 1 AND 5),
  created_at timestamptz NOT NULL,
  status_at timestamptz NOT NULL,
  version int NOT NULL DEFAULT 1
);
CREATE INDEX deliveries_trip ON deliveries (trip_id);
CREATE INDEX deliveries_driver ON deliveries (driver_id, status_at DESC) WHERE driver_id IS NOT NULL;

-- Where and when each step of a delivery happened (disputes, ETA learning).
CREATE TABLE delivery_steps (
  id bigserial PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES deliveries (id),
  status text NOT NULL,
  driver_id uuid,
  lat double precision,
  lng double precision,
  at timestamptz NOT NULL,
  note text
);
CREATE INDEX delivery_steps_delivery ON delivery_steps (delivery_id, id);

CREATE TABLE offers (
  id uuid PRIMARY KEY,
  trip_id uuid NOT NULL REFERENCES trips (id),
  driver_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn')),
  score real NOT NULL,
  pickup_m int NOT NULL,
  radius_m int NOT NULL,
  cycle int NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  responded_at timestamptz,
  reason text
);
-- One open offer per trip and per driver: a driver is never asked for two jobs at once.
CREATE UNIQUE INDEX offers_open_trip ON offers (trip_id) WHERE status = 'open';
CREATE UNIQUE INDEX offers_open_driver ON offers (driver_id) WHERE status = 'open';
CREATE INDEX offers_due ON offers (expires_at) WHERE status = 'open';
CREATE INDEX offers_trip ON offers (trip_id, created_at);
