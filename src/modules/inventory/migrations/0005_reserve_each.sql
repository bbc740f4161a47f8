-- inventory_reserve_many for reservations at several stores: each reservation names its own store.
-- Callers pass it inside their own transaction (checkout writes the orders in the same commit).
CREATE FUNCTION inventory_reserve_each(
  p_ids uuid[], p_stores uuid[], p_owners text[], p_expires timestamptz[],
  p_line_res int[], p_products uuid[], p_quantities int[]
) RETURNS TABLE (reservation_id uuid, error text, short uuid[]) LANGUAGE plpgsql AS $$
DECLARE
  i int;
  my_products uuid[];
  my_quantities int[];
  detail text;
BEGIN
  FOR i IN 1 .. cardinality(p_ids) LOOP
    SELECT array_agg(p ORDER BY p), array_agg(q ORDER BY p) INTO my_products, my_quantities
      FROM unnest(p_line_res, p_products, p_quantities) AS l(r, p, q) WHERE l.r = i;
    reservation_id := p_ids[i];
    error := NULL;
    short := '{}';
    BEGIN
      PERFORM inventory_reserve(p_ids[i], p_stores[i], p_owners[i], my_products, my_quantities, p_expires[i]);
    EXCEPTION
      WHEN SQLSTATE 'LM001' THEN
        GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
        error := 'out_of_stock';
        short := string_to_array(detail, ',')::uuid[];
      WHEN unique_violation THEN
        error := 'owner_already_holds';
    END;
    RETURN NEXT;
  END LOOP;
END $$;
