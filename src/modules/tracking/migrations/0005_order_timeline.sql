-- The rest of each order's way, each moment kept once when its event is first handled (stale
-- events included): the ETA learns every part of a delivery from them (eta/eta-timeline.ts).
ALTER TABLE tracking_orders
  ADD COLUMN placed_at timestamptz,
  ADD COLUMN picked_up_at timestamptz,
  ADD COLUMN at_dropoff_at timestamptz,
  ADD COLUMN delivered_at timestamptz;
