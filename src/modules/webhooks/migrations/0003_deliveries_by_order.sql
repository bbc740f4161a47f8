-- The ops console shows an order's webhook deliveries in its timeline (GET /v1/ops/orders/{id}/
-- timeline). Every forwarded event (an order's or its delivery's) names its order in the body
-- (`data.order_id`), so the deliveries are found by that, for as long as they are kept (30 days)
-- rather than only while the outbox still holds the event ids (a day). Without it the read would
-- walk every delivery. The cost: the body is parsed once more when a delivery is written.
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (((body::jsonb) -> 'data' ->> 'order_id'));
