-- A trip the dispatcher took back from its driver once, for a driver who reaches the store much
-- sooner (replanning.ts): never twice, so no driver loses a job to a re-plan of a re-plan.
ALTER TABLE trips ADD COLUMN replanned_at timestamptz;
-- The dispatcher looks for assigned trips not yet re-planned every few seconds.
CREATE INDEX trips_assigned_unreplanned ON trips (assigned_at) WHERE status = 'assigned' AND replanned_at IS NULL;
