-- What delivered orders taught, part by part (eta-model.ts): `kind` is the part (accept, prep,
-- pickup_lag, ride, handover, error), `key` what it is learned for (a store, a zone's H3 cell,
-- or 'all' for the fleet), `hour` the UTC hour it started in or -1 for every hour. Durations
-- and errors in seconds, ride speeds in m/s along the straight line: the exponentially weighted
-- mean, the mean absolute deviation from it, the 5th and 95th percentiles.
CREATE TABLE eta_stats (
  kind text NOT NULL,
  key text NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN -1 AND 23),
  mean double precision NOT NULL,
  dev double precision NOT NULL,
  lo double precision NOT NULL,
  hi double precision NOT NULL,
  samples int NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, key, hour)
);

-- Preparation times learned so far move over; the deviation and the percentiles are those of a
-- normal spread with their mean and 90th percentile.
INSERT INTO eta_stats (kind, key, hour, mean, dev, lo, hi, samples)
SELECT 'prep', store_id::text, hour, mean_s, (p90_s - mean_s) / 1.6,
       greatest(0, mean_s - (p90_s - mean_s) * 1.28), mean_s + (p90_s - mean_s) * 1.28, samples
FROM eta_prep_stats;
INSERT INTO eta_stats (kind, key, hour, mean, dev, lo, hi, samples)
SELECT 'prep', store_id::text, -1, sum(mean_s * samples) / sum(samples),
       sum((p90_s - mean_s) / 1.6 * samples) / sum(samples),
       greatest(0, sum((mean_s - (p90_s - mean_s) * 1.28) * samples) / sum(samples)),
       sum((mean_s + (p90_s - mean_s) * 1.28) * samples) / sum(samples), sum(samples)
FROM eta_prep_stats WHERE samples > 0 GROUP BY store_id;

DROP TABLE eta_prep_stats;
