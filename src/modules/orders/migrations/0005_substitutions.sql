-- Substitutes the store proposes for a short line while picking, and the customer's answers.
-- The substitute's stock is reserved when it is proposed (its own reservation, owner
-- `order:<id>:substitution:<id>`), kept when accepted, and given back when declined or expired.
CREATE TABLE order_substitutions (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  -- The short line, and how many of its units the substitute replaces.
  product_id uuid NOT NULL,
  missing int NOT NULL CHECK (missing > 0),
  substitute_product_id uuid NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  unit_price_minor int NOT NULL CHECK (unit_price_minor >= 0),
  quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  age_restricted boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'proposed'
    CHECK (status IN ('proposed', 'accepted', 'declined', 'expired')),
  reservation_id uuid NOT NULL,
  proposed_at timestamptz NOT NULL DEFAULT now(),
  answer_by timestamptz NOT NULL,
  answered_at timestamptz
);
-- One open or accepted proposal per short line.
CREATE UNIQUE INDEX order_substitutions_line ON order_substitutions (order_id, product_id)
  WHERE status IN ('proposed', 'accepted');
CREATE INDEX order_substitutions_order ON order_substitutions (order_id);
CREATE INDEX order_substitutions_due ON order_substitutions (answer_by) WHERE status = 'proposed';

-- An accepted substitute is a line of the order (`substitute_for` names the line it replaces);
-- `replaced` is how many units of a line accepted substitutes replace: never charged.
ALTER TABLE order_lines
  ADD COLUMN substitute_for uuid,
  ADD COLUMN replaced int NOT NULL DEFAULT 0 CHECK (replaced >= 0);
ALTER TABLE order_lines ADD CONSTRAINT order_lines_replaced_max CHECK (replaced <= quantity);
