-- The ETA point promised at checkout ("arrives about 18:27"), inside its window; the checkout
-- ETA's error is measured on it. Orders placed before have none (their window's middle stands in).
ALTER TABLE orders ADD COLUMN promise_at timestamptz;
