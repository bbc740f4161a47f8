CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('customer', 'driver', 'store', 'ops')),
  -- Store staff belong to one store; drivers have one driver profile. Ids of other modules'
  -- rows, kept without a foreign key so modules stay independent.
  store_id uuid,
  driver_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  prefix text NOT NULL UNIQUE,
  key_hash text NOT NULL,
  partner_name text NOT NULL,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
