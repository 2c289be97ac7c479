DROP INDEX notifications_unread;
ALTER TABLE notifications ADD COLUMN delivery TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE notifications ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX notifications_delivery ON notifications (delivery, created_at);
DROP TABLE notification_settings;
DROP TABLE outbox;
