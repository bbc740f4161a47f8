-- The tickets about one order (an order's page lists them; ops look them up by order).
CREATE INDEX support_tickets_order ON support_tickets (order_id, id DESC) WHERE order_id IS NOT NULL;
