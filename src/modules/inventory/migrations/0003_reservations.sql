-- A reservation holds stock for a cart (a hold) or an order until it is confirmed (the units
-- leave the store), released (cancel, failure) or expires. Every state change is a guarded
-- transition, so repeating one (a retried step, a redelivered event) changes nothing.
CREATE TABLE reservations (
  id uuid PRIMARY KEY,
  store_id uuid NOT NULL,
  owner text NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'confirmed', 'released', 'expired')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'held';
CREATE UNIQUE INDEX reservations_owner_held ON reservations (owner) WHERE status = 'held';

CREATE TABLE reservation_lines (
  reservation_id uuid NOT NULL REFERENCES reservations (id),
  product_id uuid NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (reservation_id, product_id)
);

-- Option B: reserve every line with one conditional UPDATE. A line without enough stock makes
-- the whole call fail (SQLSTATE LM001, the short product ids in DETAIL), and since it is one
-- statement nothing of it stays. One round trip per reservation.
CREATE FUNCTION inventory_reserve(p_id uuid, p_store uuid, p_owner text, p_products uuid[], p_quantities int[], p_expires timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  wanted int := cardinality(p_products);
  done uuid[];
BEGIN
  WITH l AS (SELECT * FROM unnest(p_products, p_quantities) AS t(product_id, quantity) ORDER BY product_id),
  upd AS (
    UPDATE stock s SET reserved = s.reserved + l.quantity, updated_at = now()
    FROM l
    WHERE s.store_id = p_store AND s.product_id = l.product_id AND s.on_hand - s.reserved >= l.quantity
    RETURNING s.product_id
  )
  SELECT coalesce(array_agg(product_id), '{}') INTO done FROM upd;
  IF cardinality(done) < wanted THEN
    RAISE EXCEPTION 'out of stock' USING ERRCODE = 'LM001',
      DETAIL = array_to_string(ARRAY(SELECT unnest(p_products) EXCEPT SELECT unnest(done)), ',');
  END IF;
  INSERT INTO reservations (id, store_id, owner, status, expires_at) VALUES (p_id, p_store, p_owner, 'held', p_expires);
  INSERT INTO reservation_lines (reservation_id, product_id, quantity) SELECT p_id, * FROM unnest(p_products, p_quantities);
END $$;

-- Ends a held reservation: 'released'/'expired' give the units back; 'confirmed' takes the picked
-- quantities out of the store (on hand and reserved) and gives the rest back. Returns false when
-- the reservation was not held (already ended): the caller's repeat is a no-op.
CREATE FUNCTION inventory_finish(p_id uuid, p_to text, p_picked_products uuid[], p_picked int[], p_now timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  r reservations%ROWTYPE;
BEGIN
  UPDATE reservations SET status = p_to, updated_at = now()
    WHERE id = p_id AND status = 'held' AND (p_to <> 'expired' OR expires_at <= p_now)
    RETURNING * INTO r;
  IF NOT FOUND THEN RETURN false; END IF;
  UPDATE stock s
     SET reserved = s.reserved - rl.quantity,
         on_hand = s.on_hand - CASE WHEN p_to = 'confirmed'
                                    THEN least(rl.quantity, coalesce(pk.picked, rl.quantity)) ELSE 0 END,
         updated_at = now()
    FROM reservation_lines rl
    LEFT JOIN unnest(p_picked_products, p_picked) AS pk(product_id, picked) ON pk.product_id = rl.product_id
   WHERE rl.reservation_id = p_id AND s.store_id = r.store_id AND s.product_id = rl.product_id;
  RETURN true;
END $$;
