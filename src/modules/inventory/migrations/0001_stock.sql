-- Stock per store × product. The CHECK makes overselling impossible at the database level:
-- whatever the code does, reserved can never exceed on hand and nothing goes negative.
CREATE TABLE stock (
  store_id uuid NOT NULL,
  product_id uuid NOT NULL,
  on_hand int NOT NULL DEFAULT 0,
  reserved int NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, product_id),
  CONSTRAINT stock_never_oversold CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand)
) WITH (fillfactor = 90);

-- The inventory module's published read surface: other modules read availability from this view,
-- never from the table, and never write it.
CREATE VIEW inventory_availability AS
  SELECT store_id, product_id, on_hand - reserved AS available, updated_at FROM stock;
