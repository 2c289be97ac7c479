-- When a user last got the digest of new matching projects.
ALTER TABLE notification_settings ADD COLUMN last_digest_at TIMESTAMP;
-- When the parties of a pending request were told it is about to expire.
ALTER TABLE meeting_requests ADD COLUMN expiry_warned_at TIMESTAMP;
