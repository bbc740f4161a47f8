-- Ops extend the deadline of an order's current phase (POST /v1/orders/{id}/deadline): while the
-- order is still in deadline_status, the deadline sweep leaves it alone until deadline_at, and
-- the ops console does not list it as late. deadline_key is the Idempotency-Key of the last
-- extension, so a repeat whose stored answer was lost extends nothing twice.
ALTER TABLE orders
  ADD COLUMN deadline_at timestamptz,
  ADD COLUMN deadline_status text,
  ADD COLUMN deadline_key text;
