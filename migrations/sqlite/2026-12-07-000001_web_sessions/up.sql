-- A browser session's cookie secret (SHA-256 only); API sessions have none.
ALTER TABLE sessions ADD COLUMN cookie_hash TEXT;
CREATE UNIQUE INDEX sessions_cookie_hash ON sessions (cookie_hash);
