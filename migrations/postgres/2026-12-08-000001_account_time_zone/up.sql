-- The time zone a person reads times in (IANA name); none: each event's own.
ALTER TABLE users ADD COLUMN time_zone TEXT;
