-- Retention (ARCHITECTURE.md, Data retention): the worker's prunes find the rows past their time
-- through these, oldest first, in batches.
CREATE INDEX inbox_processed ON inbox (processed_at);
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX dead_letters_replayed ON dead_letters (replayed_at) WHERE replayed_at IS NOT NULL;
