-- An operator may discard a dead letter its consumer should never get (POST
-- /v1/ops/dead-letters/{id}/discard, with a reason kept in the audit log): it leaves the pending
-- list and can no longer be replayed. Retention deletes it like a replayed one.
ALTER TABLE dead_letters ADD COLUMN discarded_at timestamptz;
