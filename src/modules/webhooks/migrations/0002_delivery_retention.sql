-- Delivered and dead deliveries are pruned after LASTMILE_WEBHOOK_RETENTION_DAYS: the prune finds
-- the oldest by creation time.
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
