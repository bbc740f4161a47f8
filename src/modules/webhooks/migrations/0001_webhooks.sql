CREATE TABLE webhook_subscriptions (
  id uuid PRIMARY KEY,
  partner_name text NOT NULL,
  url text NOT NULL,
  -- Signs every payload (HMAC-SHA256); shown once at creation. Kept readable: signing needs it.
  secret text NOT NULL,
  -- Event types, or a domain wildcard such as 'orders.*'.
  events text[] NOT NULL CHECK (cardinality(events) > 0),
  -- Only this store's orders, or all when null.
  store_id uuid,
  active boolean NOT NULL DEFAULT true,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id),
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_status int,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at DESC);
