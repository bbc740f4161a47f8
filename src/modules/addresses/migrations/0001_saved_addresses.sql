-- A customer's saved delivery addresses (at most 20 each, enforced by the service under a
-- per-account lock), at most one of them the default.
CREATE TABLE saved_addresses (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  label text NOT NULL,
  address text NOT NULL,
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  driver_notes text,
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_addresses_user ON saved_addresses (user_id, id);
CREATE UNIQUE INDEX saved_addresses_one_default ON saved_addresses (user_id) WHERE is_default;
