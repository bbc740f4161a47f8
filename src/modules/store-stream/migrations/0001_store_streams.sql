-- The live order stream of each store (the store app's incoming-orders queue): a numbered log per
-- store, and what the stream knows of each order it has seen. No personal data: ids, statuses,
-- totals and times only.
CREATE TABLE store_streams (
  store_id uuid PRIMARY KEY,
  -- The last message number of the store's log; taken under this row's lock, so messages are
  -- numbered in commit order.
  seq int NOT NULL DEFAULT 0
);

CREATE TABLE store_stream_orders (
  order_id uuid PRIMARY KEY,
  store_id uuid NOT NULL,
  status text NOT NULL,
  -- The order row's version of the last event applied: an older or repeated event moves nothing.
  version int NOT NULL,
  -- Whether the store has seen the order (it was paid); an order canceled before it was paid
  -- never reaches the store's stream.
  shown boolean NOT NULL,
  total_minor int NOT NULL,
  currency char(3) NOT NULL,
  status_at timestamptz NOT NULL,
  -- A paid order's accept deadline (LASTMILE_ACCEPT_TIMEOUT_S after it was paid).
  accept_by timestamptz,
  -- Whether the "waiting too long" message went out for it.
  waiting boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX store_stream_orders_open ON store_stream_orders (store_id)
  WHERE shown AND status IN ('authorized', 'accepted', 'preparing', 'ready');
CREATE INDEX store_stream_orders_unanswered ON store_stream_orders (accept_by)
  WHERE shown AND status = 'authorized' AND NOT waiting;
CREATE INDEX store_stream_orders_updated ON store_stream_orders (updated_at);

CREATE TABLE store_stream_messages (
  store_id uuid NOT NULL,
  seq int NOT NULL,
  order_id uuid NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, seq)
);
CREATE INDEX store_stream_messages_at ON store_stream_messages (at);
