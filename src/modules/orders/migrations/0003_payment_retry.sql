-- A declined card no longer ends the order: it waits in payment_failed, its stock still held, until
-- the customer pays with another card (authorizing, one attempt at a time) or the grace ends.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('placed', 'payment_failed',
  'authorizing', 'authorized', 'accepted', 'preparing', 'ready', 'picked_up', 'delivered', 'canceled', 'failed'));
-- The authorization attempt: its number makes the provider's idempotency key (attempt 1 keeps the
-- key of earlier versions), its Idempotency-Key lets a retried request find its own attempt.
ALTER TABLE orders ADD COLUMN payment_attempt int NOT NULL DEFAULT 1,
  ADD COLUMN payment_attempt_key text,
  -- Set by the first decline and never moved: until then the customer may pay with another card.
  ADD COLUMN payment_due_at timestamptz;
CREATE INDEX orders_payment_due ON orders (payment_due_at) WHERE status = 'payment_failed';
