-- Our record of each order's payment. Amounts are integer minor units of `currency`.
-- authorized_minor is the amount currently held (authorizations minus releases), so after a
-- partial capture it equals captured_minor; the CHECK is the money invariant the ledger must obey.
CREATE TABLE payments (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('authorized', 'declined', 'voided', 'captured', 'refunded', 'partially_refunded', 'failed')),
  currency char(3) NOT NULL,
  authorized_minor bigint NOT NULL DEFAULT 0,
  captured_minor bigint NOT NULL DEFAULT 0,
  refunded_minor bigint NOT NULL DEFAULT 0,
  decline_reason text,
  provider text NOT NULL,
  -- NULL while the provider's answer is unknown (status failed: it could not be reached).
  provider_payment_id text,
  -- What the provider's webhooks last confirmed (informational; the ledger is ours).
  provider_status text,
  provider_seq int NOT NULL DEFAULT 0,
  provider_confirmed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (authorized_minor >= 0 AND captured_minor >= 0 AND refunded_minor >= 0
    AND captured_minor <= authorized_minor AND refunded_minor <= captured_minor),
  UNIQUE (provider, provider_payment_id)
);

-- Every movement of money or of a hold, once: the idempotency key (the same one sent to the
-- provider) is UNIQUE, so a retried step can never record a second row.
CREATE TABLE payment_ledger (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments (id),
  order_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('authorize', 'capture', 'void', 'refund')),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency char(3) NOT NULL,
  idempotency_key text NOT NULL UNIQUE,
  provider_ref text,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_ledger_payment ON payment_ledger (payment_id);

-- Inbox of provider webhooks: each event id once. Out-of-order events are kept with applied = false.
CREATE TABLE payment_webhook_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  provider_payment_id text NOT NULL,
  sequence int NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  applied boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);
