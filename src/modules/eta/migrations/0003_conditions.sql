-- Traffic and weather as feeds report them (PUT /v1/ops/conditions, conditions.ts): each row holds
-- in a zone (an H3 cell of resolution 7) or the whole city (zone NULL) from starts_at until
-- ends_at, its expiry. `factor` is traffic's multiplier on travel time; weather rows have none
-- (lastmile's slowdown per vehicle applies). A feed (`source`) replaces its own rows at each PUT.
CREATE TABLE eta_conditions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('traffic', 'rain', 'heavy_rain', 'snow')),
  zone text,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  factor real,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at),
  CHECK ((kind = 'traffic') = (factor IS NOT NULL)),
  CHECK (factor IS NULL OR factor BETWEEN 0.5 AND 5)
);

-- Estimates read the rows not yet ended (and learning those of the last hours).
CREATE INDEX eta_conditions_ends ON eta_conditions (ends_at);
CREATE INDEX eta_conditions_source ON eta_conditions (source);
