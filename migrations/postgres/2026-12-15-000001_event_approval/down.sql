DELETE FROM participant_availability
    WHERE participant_id IN (SELECT id FROM event_participants WHERE approved_at IS NULL);
DELETE FROM event_participants WHERE approved_at IS NULL;
ALTER TABLE event_participants DROP COLUMN approved_at;
ALTER TABLE events DROP COLUMN approval_required;
