-- The store's orders not yet picked up when the order was placed (from the order's promise): the
-- ETA learns each part of the way per backlog level from it (eta/eta-model.ts). Null for orders
-- placed before it was kept.
ALTER TABLE tracking_orders ADD COLUMN placed_backlog int;
