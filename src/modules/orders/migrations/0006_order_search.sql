-- Ops search orders by status, newest first (GET /v1/ops/orders?status=): the failed or canceled
-- orders of a day are few among millions, and without this the search would walk the primary key
-- back through every order to find them. The other keys have their index already (customer,
-- store, the primary key for an id prefix or a time range). The cost: one more index entry per
-- status change (an order changes status about eight times).
CREATE INDEX orders_status ON orders (status, id DESC);
