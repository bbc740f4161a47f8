-- The ops audit log: who did what to which thing, when, why, and the state before and after.
-- Kept with the business (no retention). Rows name the actor as the token did when they acted;
-- before and after hold state, never personal data (an erasure would leave it here).
CREATE TABLE audit_log (
  id uuid PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id text NOT NULL,
  actor_email text,
  actor_role text NOT NULL,
  actor_level text,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  reason text NOT NULL CHECK (reason <> ''),
  before jsonb,
  after jsonb,
  request_id text,
  idempotency_key text
);
-- A request repeated with its Idempotency-Key after its first answer was lost writes no second row.
CREATE UNIQUE INDEX audit_log_once
  ON audit_log (actor_id, idempotency_key, action, target_type, target_id)
  WHERE idempotency_key IS NOT NULL;
-- Newest first, whole or by actor, action or target.
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, at DESC, id DESC);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at DESC, id DESC);
