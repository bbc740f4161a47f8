-- The location history grows by a row per driver every LASTMILE_LOCATION_HISTORY_S (58M rows a day
-- at 20,000 drivers). It is partitioned by UTC day, so retention drops a whole day's table instead
-- of deleting rows. A day's partition is named driver_locations_pYYYYMMDD; the worker creates them
-- two days ahead and drops the ones past LASTMILE_LOCATION_RETENTION_DAYS (location-retention.ts).
-- The rows already there move over in this transaction, with a partition for each day they cover.
ALTER TABLE driver_locations RENAME TO driver_locations_unpartitioned;
ALTER TABLE driver_locations_unpartitioned DROP CONSTRAINT driver_locations_pkey;
DROP INDEX driver_locations_time;

CREATE TABLE driver_locations (
  driver_id uuid NOT NULL,
  recorded_at timestamptz NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  accuracy_m real,
  heading_deg real,
  speed_mps real,
  -- A unique key of a partitioned table holds the partition key: (driver, time) already does.
  PRIMARY KEY (driver_id, recorded_at)
) PARTITION BY RANGE (recorded_at);
CREATE INDEX driver_locations_time ON driver_locations USING brin (recorded_at);

-- No DEFAULT partition: rows in it would escape the dropping of days, and every new day's
-- partition would have to scan it under an exclusive lock (location-retention.ts says more).
DO $$
DECLARE
  day date;
BEGIN
  FOR day IN
    SELECT DISTINCT (recorded_at AT TIME ZONE 'UTC')::date FROM driver_locations_unpartitioned
    UNION
    SELECT (now() AT TIME ZONE 'UTC')::date + ahead FROM generate_series(0, 2) AS ahead
  LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF driver_locations FOR VALUES FROM (%L) TO (%L)',
      'driver_locations_p' || to_char(day, 'YYYYMMDD'),
      to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
      to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00'
    );
  END LOOP;
END $$;

INSERT INTO driver_locations (driver_id, recorded_at, lat, lng, accuracy_m, heading_deg, speed_mps)
SELECT driver_id, recorded_at, lat, lng, accuracy_m, heading_deg, speed_mps
FROM driver_locations_unpartitioned;

DROP TABLE driver_locations_unpartitioned;
