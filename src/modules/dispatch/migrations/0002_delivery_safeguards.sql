-- Delivery safeguards (ARCHITECTURE.md): the proof a handover needs, decided when the delivery is
-- planned; wrong handover PINs counted until the handover locks; and ops' overrides, audited.
ALTER TABLE deliveries
  ADD COLUMN proof text NOT NULL DEFAULT 'pin_or_photo' CHECK (proof IN ('pin', 'photo', 'pin_or_photo')),
  ADD COLUMN pin_failures int NOT NULL DEFAULT 0 CHECK (pin_failures >= 0),
  ADD COLUMN pin_locked_at timestamptz;
UPDATE deliveries SET proof = 'pin' WHERE age_restricted;

-- Who waived a safeguard of a delivery, when and why. A geofence waiver is for one driver step
-- and is used by the first attempt at it that goes through.
CREATE TABLE delivery_overrides (
  id bigserial PRIMARY KEY,
  delivery_id uuid NOT NULL REFERENCES deliveries (id),
  kind text NOT NULL CHECK (kind IN ('geofence_waived', 'pin_unlocked')),
  step text CHECK (step IN ('at_store', 'picked_up', 'at_dropoff', 'delivered')),
  by_user uuid NOT NULL,
  at timestamptz NOT NULL,
  reason text NOT NULL,
  used_at timestamptz,
  CHECK ((kind = 'geofence_waived') = (step IS NOT NULL))
);
CREATE INDEX delivery_overrides_delivery ON delivery_overrides (delivery_id, id);
