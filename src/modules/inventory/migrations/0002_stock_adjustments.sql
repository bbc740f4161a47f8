-- Audit trail of every stock level change made by people (restock, count, adjustment): who, when,
-- why and by how much. Reservations have their own table.
CREATE TABLE stock_adjustments (
  id uuid PRIMARY KEY,
  store_id uuid NOT NULL,
  product_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('count', 'restock', 'adjustment', 'import')),
  delta int NOT NULL,
  on_hand_after int NOT NULL,
  reason text NOT NULL,
  actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_adjustments_item ON stock_adjustments (store_id, product_id, created_at DESC);
