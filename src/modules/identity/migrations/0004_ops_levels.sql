-- Ops accounts have a level: an agent views, reassigns, retries and replays; an admin may also
-- change settings, erase accounts and refund above the ops limit. The ops accounts there are
-- already could do all of that, so they become admins (nobody could promote one otherwise); new
-- ops accounts start as agents. Other roles have no level.
ALTER TABLE users ADD COLUMN ops_level text CHECK (ops_level IN ('agent', 'admin'));
UPDATE users SET ops_level = 'admin' WHERE role = 'ops';
ALTER TABLE users
  ADD CONSTRAINT users_ops_level CHECK ((role = 'ops') = (ops_level IS NOT NULL));
