-- What tracking knows of each order it follows: enough to estimate and to authorize subscribers
-- without asking other modules on every message.
CREATE TABLE tracking_orders (
  order_id uuid PRIMARY KEY,
  store_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  driver_id uuid,
  vehicle text,
  status text NOT NULL,
  store_lat double precision NOT NULL,
  store_lng double precision NOT NULL,
  dropoff_lat double precision NOT NULL,
  dropoff_lng double precision NOT NULL,
  default_prep_s int NOT NULL,
  accepted_at timestamptz,
  ready_at timestamptz,
  eta_at timestamptz,
  eta_from timestamptz,
  eta_to timestamptz,
  -- The last message number; a reconnecting client asks for what came after its cursor.
  seq int NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_orders_active ON tracking_orders (updated_at) WHERE active;

CREATE TABLE tracking_messages (
  order_id uuid NOT NULL,
  seq int NOT NULL,
  kind text NOT NULL CHECK (kind IN ('status', 'eta')),
  payload jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, seq)
);
