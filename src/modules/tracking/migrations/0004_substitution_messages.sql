-- The customer's tracking log also carries the store's substitute proposals and their answers.
ALTER TABLE tracking_messages DROP CONSTRAINT tracking_messages_kind_check;
ALTER TABLE tracking_messages ADD CONSTRAINT tracking_messages_kind_check
  CHECK (kind IN ('status', 'eta', 'substitution'));
