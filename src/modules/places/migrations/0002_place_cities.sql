-- One row per city with street data: its name, the centre it was given (a known city's by the
-- seed, or `--center` at import) and a summary of its rows, written with every load (import or
-- seed) in the load's transaction, so listing the cities reads a few rows whatever their size.
-- A city with no rows left has no row here.
CREATE TABLE place_cities (
  city text PRIMARY KEY,
  name text NOT NULL,
  -- NULL: none given; the centre is then the mean of the city's addresses.
  given_lat double precision CHECK (given_lat BETWEEN -90 AND 90),
  given_lng double precision CHECK (given_lng BETWEEN -180 AND 180),
  center_lat double precision NOT NULL CHECK (center_lat BETWEEN -90 AND 90),
  center_lng double precision NOT NULL CHECK (center_lng BETWEEN -180 AND 180),
  -- The box of every address and street line of the city, in degrees.
  west double precision NOT NULL,
  south double precision NOT NULL,
  east double precision NOT NULL,
  north double precision NOT NULL,
  streets integer NOT NULL CHECK (streets >= 0),
  addresses integer NOT NULL CHECK (addresses >= 0),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The cities loaded before this table: named as their addresses are, centred on them (the next
-- seed or import sets a known city's own centre).
INSERT INTO place_cities (city, name, center_lat, center_lng, west, south, east, north, streets, addresses)
SELECT c.city,
       coalesce(a.name, initcap(c.city)),
       coalesce(a.lat, (least(a.south, s.south) + greatest(a.north, s.north)) / 2),
       coalesce(a.lng, (least(a.west, s.west) + greatest(a.east, s.east)) / 2),
       least(a.west, s.west), least(a.south, s.south),
       greatest(a.east, s.east), greatest(a.north, s.north),
       coalesce(s.n, 0), coalesce(a.n, 0)
FROM (SELECT city FROM place_streets UNION SELECT city FROM place_addresses) c
LEFT JOIN (
  SELECT city, min(city_name) AS name, count(*)::int AS n, avg(lat) AS lat, avg(lng) AS lng,
         min(lng) AS west, min(lat) AS south, max(lng) AS east, max(lat) AS north
  FROM place_addresses GROUP BY city
) a ON a.city = c.city
LEFT JOIN (
  -- A box is two points, upper right ([0]) and lower left ([1]), each an (x = lng, y = lat) pair.
  SELECT city, count(*)::int AS n,
         min((bounds[1])[0]) AS west, min((bounds[1])[1]) AS south,
         max((bounds[0])[0]) AS east, max((bounds[0])[1]) AS north
  FROM place_streets GROUP BY city
) s ON s.city = c.city;
