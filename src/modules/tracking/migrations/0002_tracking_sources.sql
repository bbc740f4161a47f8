-- The last order state and the last delivery state tracking applied, each with its row version
-- (bumped by its module in the transaction of every change). An event whose version is not newer
-- than its source's is stale or repeated and moves nothing; `status` is combined from the two.
ALTER TABLE tracking_orders
  ADD COLUMN order_status text,
  ADD COLUMN order_version int NOT NULL DEFAULT 0,
  ADD COLUMN delivery_status text,
  ADD COLUMN delivery_version int NOT NULL DEFAULT 0;

-- Rows written before knew only the combined status: each source gets its side of it, at version
-- 0, so the next event of either source applies.
UPDATE tracking_orders SET
  order_status = CASE
    WHEN status IN ('assigned', 'at_store') THEN 'accepted'
    WHEN status = 'at_dropoff' THEN 'picked_up'
    WHEN status = 'returned' THEN 'failed'
    ELSE status
  END,
  delivery_status = CASE
    WHEN status IN ('assigned', 'at_store', 'picked_up', 'at_dropoff', 'delivered', 'failed', 'returned')
      THEN status
  END;

ALTER TABLE tracking_orders ALTER COLUMN order_status SET NOT NULL;
