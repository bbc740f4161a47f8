-- The API processes that are alive: each writes its row at start and refreshes it every few
-- seconds. A request claimed (Idempotency-Key) by a process whose row went stale was cut off by a
-- crash, and its key can be taken over at once instead of after the lock's minute.
CREATE TABLE live_processes (
  id uuid PRIMARY KEY,
  instance text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE idempotency_keys ADD COLUMN owner uuid;
