-- The built-in fake payment provider ("fakepay"). It stands in for an external PSP, so it keeps its
-- own durable state here and only fakepay.repository.ts touches these tables: the payments side
-- learns about them through the PaymentProvider port and signed webhooks, as with a real provider.

CREATE TABLE fakepay_payments (
  id text PRIMARY KEY,
  -- The merchant's reference (our order id); a real PSP keeps it as metadata and can search by it.
  reference text NOT NULL,
  -- Which test card paid (visa, decline, insufficient, slow, netfail): later calls on the payment
  -- behave like the card did (netfail fails every first call).
  card text NOT NULL,
  currency char(3) NOT NULL,
  status text NOT NULL CHECK (status IN ('authorized', 'declined', 'voided', 'captured', 'partially_refunded', 'refunded')),
  decline_reason text,
  authorized_minor bigint NOT NULL,
  captured_minor bigint NOT NULL DEFAULT 0,
  refunded_minor bigint NOT NULL DEFAULT 0,
  -- Sequence of the last event about this payment, so webhook consumers can order deliveries.
  event_seq int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (authorized_minor >= 0 AND captured_minor >= 0 AND refunded_minor >= 0
    AND captured_minor <= authorized_minor AND refunded_minor <= captured_minor)
);
CREATE INDEX fakepay_payments_reference ON fakepay_payments (reference);

-- Idempotent requests: the first call with a key stores its response, a repeat replays it, and a
-- repeat with other parameters is refused. Rejected requests roll back and store nothing (Stripe).
CREATE TABLE fakepay_requests (
  idempotency_key text PRIMARY KEY,
  operation text NOT NULL,
  params_hash text NOT NULL,
  payment_id text,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Events the provider sends as webhooks; delivered at least once, possibly out of order.
CREATE TABLE fakepay_events (
  id text PRIMARY KEY,
  payment_id text NOT NULL REFERENCES fakepay_payments (id),
  seq int NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  gave_up_at timestamptz,
  last_error text,
  UNIQUE (payment_id, seq)
);
CREATE INDEX fakepay_events_pending ON fakepay_events (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
