-- Refunds (ARCHITECTURE.md, Refunds): each asked refund is reserved here, under the payment's row
-- lock, before the provider is called, so refunds running at once never promise more than was
-- captured. `pending` holds its amount until the provider answered: `succeeded` (its ledger row
-- written in the same transaction) or `failed` (the provider refused; the amount is free again).
CREATE TABLE payment_refunds (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments (id),
  order_id uuid NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency char(3) NOT NULL,
  reason text NOT NULL,
  -- The provider's idempotency key, also the ledger row's: one refund per key.
  idempotency_key text NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  requested_by uuid,
  failure text,
  created_at timestamptz NOT NULL,
  settled_at timestamptz
);
CREATE INDEX payment_refunds_order ON payment_refunds (order_id, created_at);
