-- The slot starts (UTC, a JSON array) the asker of a meeting request would rather meet in.
ALTER TABLE meeting_requests ADD COLUMN preferred_slots TEXT NOT NULL DEFAULT '[]';
