CREATE TABLE drivers (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  phone text,
  vehicle text NOT NULL CHECK (vehicle IN ('bike', 'scooter', 'car')),
  -- Bags the vehicle carries at once: a trip with more items goes to a bigger vehicle.
  capacity_items int NOT NULL CHECK (capacity_items BETWEEN 1 AND 500),
  status text NOT NULL DEFAULT 'offline' CHECK (status IN ('offline', 'available', 'on_delivery', 'break')),
  status_at timestamptz NOT NULL DEFAULT now(),
  offers_received int NOT NULL DEFAULT 0,
  offers_accepted int NOT NULL DEFAULT 0 CHECK (offers_accepted <= offers_received),
  ratings_count int NOT NULL DEFAULT 0,
  ratings_sum int NOT NULL DEFAULT 0,
  deliveries_done int NOT NULL DEFAULT 0,
  last_job_at timestamptz,
  -- The last position written with the history: enough to rebuild the live index after a loss.
  last_lat double precision,
  last_lng double precision,
  last_fix_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  version int NOT NULL DEFAULT 1
);
CREATE INDEX drivers_available ON drivers (id) WHERE status = 'available';

-- Throttled position history (one point per driver per LASTMILE_LOCATION_HISTORY_S): for learning
-- travel times and settling disputes. The key makes a retried batch a no-op.
CREATE TABLE driver_locations (
  driver_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  accuracy_m real,
  heading_deg real,
  speed_mps real,
  PRIMARY KEY (driver_id, recorded_at)
);
CREATE INDEX driver_locations_time ON driver_locations USING brin (recorded_at);
