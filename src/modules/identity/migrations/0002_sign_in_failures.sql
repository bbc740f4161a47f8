-- Failed sign-ins per email (whether or not an account has it, so the answer tells nothing about
-- which emails exist): after a few, each further failure locks sign-in for longer.
CREATE TABLE sign_in_failures (
  email text PRIMARY KEY,
  failures int NOT NULL,
  locked_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failures_updated ON sign_in_failures (updated_at);
