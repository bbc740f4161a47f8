-- An order's timeline for ops (GET /v1/ops/orders/{id}/timeline) reads the events of the order
-- and of what belongs to it (its tickets, its trip) by their aggregate, and the dead letters of
-- those events. Without these the read would walk a day of outbox rows (the outbox keeps published
-- events LASTMILE_OUTBOX_RETENTION_HOURS) and every dead letter. The cost is one more index entry
-- per event written; the outbox stays a day's worth of rows, so the index stays small too.
CREATE INDEX outbox_aggregate ON outbox (aggregate_id) WHERE aggregate_id IS NOT NULL;
-- Dead letters are rare; their aggregate is kept inside the event they hold.
CREATE INDEX dead_letters_aggregate ON dead_letters ((event ->> 'aggregateId'));
