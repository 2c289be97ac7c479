ALTER TABLE meeting_requests DROP COLUMN preferred_slots;
