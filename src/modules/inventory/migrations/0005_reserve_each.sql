-- inventory_reserve_many for reservations at several stores: each reservation names its own store.
-- The reservations of each store go through inventory_reserve_many (each all or nothing in its own
-- subtransaction), stores in a fixed order. Callers pass it inside their own transaction (checkout
-- writes the orders in the same commit). Answers one row per reservation, in no particular order.
CREATE FUNCTION inventory_reserve_each(
  p_ids uuid[], p_stores uuid[], p_owners text[], p_expires timestamptz[],
  p_line_res int[], p_products uuid[], p_quantities int[]
) RETURNS TABLE (reservation_id uuid, error text, short uuid[]) LANGUAGE plpgsql AS $$
DECLARE
  s uuid;
  mine int[];
BEGIN
  FOR s IN SELECT DISTINCT x FROM unnest(p_stores) AS x ORDER BY x LOOP
    -- This store's reservations (positions in p_ids), renumbered 1.. for inventory_reserve_many.
    SELECT array_agg(i ORDER BY i) INTO mine FROM generate_subscripts(p_stores, 1) AS i WHERE p_stores[i] = s;
    RETURN QUERY
      WITH m AS (SELECT t.i, t.k::int AS k FROM unnest(mine) WITH ORDINALITY AS t(i, k)),
           l AS (SELECT m.k, n FROM generate_subscripts(p_line_res, 1) AS n JOIN m ON m.i = p_line_res[n])
      SELECT r.* FROM inventory_reserve_many(
        (SELECT array_agg(p_ids[m.i] ORDER BY m.k) FROM m), s,
        (SELECT array_agg(p_owners[m.i] ORDER BY m.k) FROM m),
        (SELECT array_agg(p_expires[m.i] ORDER BY m.k) FROM m),
        (SELECT array_agg(l.k ORDER BY l.n) FROM l),
        (SELECT array_agg(p_products[l.n] ORDER BY l.n) FROM l),
        (SELECT array_agg(p_quantities[l.n] ORDER BY l.n) FROM l)) AS r;
  END LOOP;
END $$;
