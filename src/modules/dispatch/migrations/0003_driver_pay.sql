-- Driver pay (ARCHITECTURE.md, Driver pay): what each offer pays, fixed when it is made, and what
-- each delivery earned its driver when it ended.

-- {currency, base_minor, per_km_minor, wait_free_s, wait_per_min_minor, total_minor,
--  deliveries: [{delivery_id, pickup_m, dropoff_m, base_minor, distance_minor, pay_minor}]};
-- NULL on offers made before pay existed.
ALTER TABLE offers ADD COLUMN pay jsonb;

-- One row per delivery that ended (delivered, failed or returned) in its driver's hands: the
-- primary key makes a repeated completion record nothing.
CREATE TABLE driver_earnings (
  delivery_id uuid PRIMARY KEY REFERENCES deliveries (id),
  driver_id uuid NOT NULL,
  order_id uuid NOT NULL,
  trip_id uuid NOT NULL,
  offer_id uuid,
  outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed', 'returned')),
  currency char(3) NOT NULL,
  base_minor int NOT NULL CHECK (base_minor >= 0),
  distance_m int NOT NULL CHECK (distance_m >= 0),
  distance_minor int NOT NULL CHECK (distance_minor >= 0),
  waiting_s int NOT NULL CHECK (waiting_s >= 0),
  waiting_minor int NOT NULL CHECK (waiting_minor >= 0),
  total_minor int NOT NULL CHECK (total_minor = base_minor + distance_minor + waiting_minor),
  earned_at timestamptz NOT NULL
);
CREATE INDEX driver_earnings_driver ON driver_earnings (driver_id, earned_at, delivery_id);
