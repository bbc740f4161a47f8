-- The log of an order whose tracking ended is pruned after LASTMILE_TRACKING_RETENTION_DAYS
-- (the order's row, with its last state, stays): the prune finds the oldest messages by time.
CREATE INDEX tracking_messages_at ON tracking_messages (at);
