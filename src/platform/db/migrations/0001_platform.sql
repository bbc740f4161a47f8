-- Transactional outbox: events are written in the same transaction as the state change and
-- published by the relay; `id` is the event id end to end (Nats-Msg-Id, inbox key).
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  version int NOT NULL DEFAULT 1,
  aggregate_id text,
  payload jsonb NOT NULL,
  trace_id text,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  attempts int NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- Inbox: a consumer records each event id in the same transaction as its effect, so a
-- redelivered event changes nothing.
CREATE TABLE inbox (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Events a consumer gave up on after its attempts; an operator inspects and replays them.
CREATE TABLE dead_letters (
  id bigserial PRIMARY KEY,
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  event jsonb NOT NULL,
  attempts int NOT NULL,
  error text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  replay_requested_at timestamptz,
  replayed_at timestamptz,
  UNIQUE (consumer, event_id)
);

-- Stored first responses for Idempotency-Key (Stripe semantics), scoped per caller.
CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  method text NOT NULL,
  path text NOT NULL,
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('in_flight', 'done')),
  response_status int,
  response_body text,
  response_type text,
  locked_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
