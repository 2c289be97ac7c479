DROP INDEX sessions_cookie_hash;
ALTER TABLE sessions DROP COLUMN cookie_hash;
