-- An erased account keeps its row (orders and payments still name its id) with every personal
-- field replaced; erased_at says when. A closed account (disabled or erased) can no longer sign
-- in, and the tokens issued before are refused until they expire: each API process keeps the
-- accounts closed within a token's lifetime, read through this index.
ALTER TABLE users ADD COLUMN erased_at timestamptz;
CREATE INDEX users_closed ON users (disabled_at) WHERE disabled_at IS NOT NULL;
