-- What is to be sent (an email to a user, a webhook to a subscription), written in the same
-- transaction as the change that causes it, then delivered by the worker with retries.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    notification_id TEXT REFERENCES notifications (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Which emails a user wants; no row means every email and no digest.
CREATE TABLE notification_settings (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    email_enabled BOOLEAN NOT NULL,
    muted_kinds TEXT NOT NULL,
    digest TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Delivery now lives in the outbox; a notification is the in-app record.
DROP INDEX notifications_delivery;
ALTER TABLE notifications DROP COLUMN delivery;
ALTER TABLE notifications DROP COLUMN attempts;
CREATE INDEX notifications_unread ON notifications (recipient_id, read_at);
