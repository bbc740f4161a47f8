-- Ops search the orders a driver carries, newest first (GET /v1/ops/orders?driver_id=): walked
-- in order id order so a page of them is a range of this index, whatever else is asked. The cost:
-- one more index entry when a delivery row changes without staying on its page.
CREATE INDEX deliveries_driver_order ON deliveries (driver_id, order_id DESC) WHERE driver_id IS NOT NULL;
