-- The store's orders placed and not yet picked up when this one was placed: the ETA learns how a
-- backlog at the counter (or a lack of couriers) lengthens the way, and promises by it. Orders
-- placed before have none.
ALTER TABLE orders ADD COLUMN promise_backlog int;
