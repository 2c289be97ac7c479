ALTER TABLE meeting_requests DROP COLUMN expiry_warned_at;
ALTER TABLE notification_settings DROP COLUMN last_digest_at;
