-- The delivery window promised at checkout ("25–35 min"), kept to measure the promise against.
ALTER TABLE orders ADD COLUMN promise_from timestamptz, ADD COLUMN promise_to timestamptz;
