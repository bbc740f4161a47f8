CREATE TABLE support_tickets (
  id uuid PRIMARY KEY,
  opened_by uuid NOT NULL,
  opener_role text NOT NULL,
  order_id uuid,
  subject text NOT NULL,
  message text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'escalated', 'resolved')),
  version int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  escalated_at timestamptz,
  resolved_at timestamptz,
  resolution text,
  -- The opener's Idempotency-Key: a retry whose first response was lost finds this ticket
  -- instead of opening a second one.
  client_key text,
  UNIQUE (opened_by, client_key)
);
CREATE INDEX support_tickets_opener ON support_tickets (opened_by, id DESC);
CREATE INDEX support_tickets_open ON support_tickets (id) WHERE status <> 'resolved';
