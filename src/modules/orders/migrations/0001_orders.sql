-- One open cart per customer, at one store. Prices are never stored here: they are read from
-- the catalog when the cart is shown or checked out.
CREATE TABLE carts (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  store_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'checked_out', 'abandoned')),
  version int NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX carts_open_per_customer ON carts (customer_id) WHERE status = 'open';

CREATE TABLE cart_lines (
  cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
  product_id uuid NOT NULL,
  quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  store_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('placed', 'authorized', 'accepted', 'preparing', 'ready', 'picked_up', 'delivered', 'canceled', 'failed')),
  version int NOT NULL DEFAULT 1,
  currency char(3) NOT NULL,
  subtotal_minor int NOT NULL CHECK (subtotal_minor >= 0),
  delivery_fee_minor int NOT NULL,
  small_order_fee_minor int NOT NULL,
  service_fee_minor int NOT NULL,
  tax_minor int NOT NULL,
  total_minor int NOT NULL CHECK (total_minor >= 0),
  captured_minor int,
  delivery_lat double precision NOT NULL,
  delivery_lng double precision NOT NULL,
  delivery_address text NOT NULL,
  reservation_id uuid NOT NULL,
  -- The provider's token for the card (never a card number): what the saga authorizes.
  payment_method text NOT NULL,
  -- The Idempotency-Key of the checkout: a retry finds this order instead of placing another.
  client_key text,
  reason text,
  placed_at timestamptz NOT NULL DEFAULT now(),
  status_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, client_key)
);
CREATE INDEX orders_customer ON orders (customer_id, id DESC);
CREATE INDEX orders_store ON orders (store_id, id DESC);
CREATE INDEX orders_active ON orders (status, status_at) WHERE status NOT IN ('delivered', 'canceled', 'failed');

CREATE TABLE order_lines (
  order_id uuid NOT NULL REFERENCES orders (id),
  product_id uuid NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  unit_price_minor int NOT NULL CHECK (unit_price_minor >= 0),
  quantity int NOT NULL CHECK (quantity > 0),
  -- Set by the store when it has picked the order; less than quantity for a missing item.
  picked_quantity int CHECK (picked_quantity BETWEEN 0 AND quantity),
  age_restricted boolean NOT NULL DEFAULT false,
  PRIMARY KEY (order_id, product_id)
);
