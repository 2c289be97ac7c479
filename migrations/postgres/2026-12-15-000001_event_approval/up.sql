-- Events may ask staff to approve who registers themselves; a participant waiting for approval
-- has no approved_at and takes no part in the directory, requests or the schedule.
ALTER TABLE events ADD COLUMN approval_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE event_participants ADD COLUMN approved_at TIMESTAMP;
UPDATE event_participants SET approved_at = created_at;
