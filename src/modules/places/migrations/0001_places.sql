CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Street lines of each city: generated (`lastmile seed`) or imported (`lastmile places import`),
-- never both in one city. `name_key` is the name as search compares it (place-text.ts); `bounds`
-- the line's bounding box in degrees (x = lng, y = lat) for the map's box queries.
CREATE TABLE place_streets (
  id uuid PRIMARY KEY,
  city text NOT NULL,
  name text NOT NULL,
  name_key text NOT NULL,
  class text NOT NULL CHECK (class IN ('arterial', 'street')),
  coordinates jsonb NOT NULL,
  bounds box NOT NULL,
  source text NOT NULL CHECK (source IN ('generated', 'imported'))
);
CREATE INDEX place_streets_bounds ON place_streets USING gist (bounds);
-- Search finds street names nearest the typed text first (KNN on trigram distance), as the
-- catalog's product search does; the table holds thousands of rows per city, not every address.
CREATE INDEX place_streets_name ON place_streets USING gist (name_key gist_trgm_ops);
CREATE INDEX place_streets_city ON place_streets (city);

-- Addresses (house numbers) of each city. `label` is the address as written in the city
-- (`Torstraße 12, 10119 Berlin`, `12 Baker Street, London NW1 6XE`); `number_order` the house
-- number's leading digits, for ordering and prefix matches.
CREATE TABLE place_addresses (
  id uuid PRIMARY KEY,
  city text NOT NULL,
  city_name text NOT NULL,
  street text NOT NULL,
  street_key text NOT NULL,
  housenumber text NOT NULL,
  number_order integer NOT NULL,
  postcode text NOT NULL,
  label text NOT NULL,
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  source text NOT NULL CHECK (source IN ('generated', 'imported'))
);
CREATE INDEX place_addresses_street ON place_addresses (city, street_key, number_order);
-- Reverse geocoding: the addresses in a small box around the point, nearest first.
CREATE INDEX place_addresses_point ON place_addresses USING gist (point(lng, lat));
