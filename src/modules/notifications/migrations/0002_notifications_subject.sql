-- The ops console shows the notifications about an order in its timeline: those whose subject
-- (the aggregate of the event that caused them) is the order or one of its tickets or trips.
-- Without this the read would walk every notification. Notifications are few (tickets,
-- escalations), so the index costs little.
CREATE INDEX notifications_subject ON notifications (subject_id) WHERE subject_id IS NOT NULL;
