-- An investor's saved searches: the filters of the opportunities page, kept under a name, and
-- how new projects that match are told: in the digest, at once, or not at all.
CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    -- The filters as JSON (see services::saved_searches::SearchFilters).
    filters TEXT NOT NULL,
    alert TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX saved_searches_by_user ON saved_searches (user_id, created_at);
CREATE INDEX saved_searches_by_alert ON saved_searches (alert);
