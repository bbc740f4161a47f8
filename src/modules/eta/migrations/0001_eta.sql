-- Learned preparation time per store and hour of day (store's local clock is not needed: the
-- hour is UTC, consistently for learning and use).
CREATE TABLE eta_prep_stats (
  store_id uuid NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  mean_s real NOT NULL,
  p90_s real NOT NULL,
  samples int NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, hour)
);

-- Learned travel speed per vehicle and hour, from the drivers' location history.
CREATE TABLE eta_speed_stats (
  vehicle text NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  mean_mps real NOT NULL,
  p90_mps real NOT NULL,
  samples int NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (vehicle, hour)
);
