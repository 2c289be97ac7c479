-- What an investor says of a project: interested, not_interested (hides it) or must_meet.
CREATE TABLE match_feedback (
    investor_id TEXT NOT NULL REFERENCES investors (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    interest TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (investor_id, project_id)
);
CREATE INDEX match_feedback_project_id ON match_feedback (project_id);

-- A counter bumped in the same transaction as every change the matching index depends on
-- (published projects, mandates, verification, exchange rates), so that every instance notices.
CREATE TABLE match_state (
    id INTEGER PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO match_state (id, version) VALUES (1, 0);
