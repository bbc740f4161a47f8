-- In-app notifications. A row addresses either one user or everyone with a role (ops).
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  recipient_user_id uuid,
  recipient_role text,
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  -- The event that caused it; with the inbox this proves each event notified once.
  event_id uuid NOT NULL,
  subject_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  CHECK (recipient_user_id IS NOT NULL OR recipient_role IS NOT NULL)
);
CREATE INDEX notifications_user ON notifications (recipient_user_id, id DESC) WHERE recipient_user_id IS NOT NULL;
CREATE INDEX notifications_role ON notifications (recipient_role, id DESC) WHERE recipient_role IS NOT NULL;
CREATE INDEX notifications_event ON notifications (event_id);
