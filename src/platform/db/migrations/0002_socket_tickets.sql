-- Single-use WebSocket tickets for browsers, which cannot send an Authorization header on an
-- upgrade. Only the SHA-256 of a ticket is kept, with the caller it was issued to; opening a
-- socket deletes the row (DELETE … RETURNING), so any API process accepts a ticket exactly once.
CREATE TABLE socket_tickets (
  hash text PRIMARY KEY,
  principal_kind text NOT NULL,
  principal_id text NOT NULL,
  role text NOT NULL,
  store_id text,
  driver_id text,
  -- The socket the ticket opens (a route's `config.socket`); null opens any.
  socket text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX socket_tickets_expiry ON socket_tickets (expires_at);
