-- What the promise was made of at checkout: each part of the way in seconds (the store accepting,
-- preparing, the courier's wait for the bag, the ride, the handover) and the correction the
-- learned error added. Shown with the order, so a customer's app can say what the minutes are
-- for and an operator can see which part of a broken promise was off. Null for orders placed
-- before.
ALTER TABLE orders ADD COLUMN promise_parts jsonb;
