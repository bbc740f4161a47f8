CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE stores (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  address text NOT NULL DEFAULT '',
  lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
  -- Delivery zone: a radius around the store, optionally narrowed by a polygon ([[lat,lng],…]).
  zone_radius_m int NOT NULL CHECK (zone_radius_m BETWEEN 100 AND 50000),
  zone_polygon jsonb,
  timezone text NOT NULL DEFAULT 'UTC',
  -- {"mon": [["08:00","23:00"]], …}; an empty day is closed; "24:00" closes at midnight.
  opening_hours jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paused', 'closed')),
  avg_prep_s int NOT NULL DEFAULT 600 CHECK (avg_prep_s BETWEEN 0 AND 7200),
  version int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- H3 cells (resolution 8, ~0.74 km²) whose area a store's zone touches: "which stores serve
-- this point" is one index lookup on the point's cell, with the exact check after.
CREATE TABLE store_coverage (
  cell bigint NOT NULL,
  store_id uuid NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
  PRIMARY KEY (cell, store_id)
);
CREATE INDEX store_coverage_store ON store_coverage (store_id);

CREATE TABLE categories (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{1,60}$'),
  parent_id text REFERENCES categories (id),
  name text NOT NULL,
  -- Ancestors and self, root first: filtering by a category includes its subcategories.
  path text[] NOT NULL
);
CREATE INDEX categories_path ON categories USING gin (path);

CREATE TABLE products (
  id uuid PRIMARY KEY,
  sku text NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
  name text NOT NULL,
  brand text NOT NULL DEFAULT '',
  category_id text NOT NULL REFERENCES categories (id),
  category_path text[] NOT NULL,
  price_minor int NOT NULL CHECK (price_minor >= 0),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  image_url text,
  weight_g int CHECK (weight_g >= 0),
  age_restricted boolean NOT NULL DEFAULT false,
  -- Relative demand, used to rank search results (and by the load generator).
  popularity real NOT NULL DEFAULT 0,
  search_text text GENERATED ALWAYS AS (lower(name || ' ' || brand)) STORED,
  version int NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_name ON products (name, id);
CREATE INDEX products_category_path ON products USING gin (category_path);
CREATE INDEX products_search_trgm ON products USING gin (search_text gin_trgm_ops);
