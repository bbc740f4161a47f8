-- Settings ops change while lastmile runs (the ops console's Settings), one row per group a module
-- declares (ModuleDefinition.settings): the value that replaces the group's configured default
-- (null: the default holds), its version (a write names the version it read: optimistic
-- concurrency), and who made the last change with which Idempotency-Key (a repeat whose answer was
-- lost changes nothing twice). Every process reads the table every 2 s. Kept with the business.
CREATE TABLE ops_settings (
  id text PRIMARY KEY,
  value jsonb,
  version int NOT NULL DEFAULT 0,
  updated_at timestamptz,
  updated_by text,
  updated_key text
);
