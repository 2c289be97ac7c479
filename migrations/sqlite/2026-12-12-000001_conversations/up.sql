-- Enquiries: an investor asks a region about a project (or about the region); the region's
-- officials answer. Staff may read every conversation, and the privacy notice says so.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    investor_id TEXT NOT NULL REFERENCES investors (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    project_id TEXT REFERENCES projects (id),
    subject TEXT NOT NULL,
    started_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_message_at TIMESTAMP NOT NULL
);
CREATE INDEX conversations_by_investor ON conversations (investor_id, last_message_at);
CREATE INDEX conversations_by_region ON conversations (region_code, last_message_at);

CREATE TABLE conversation_messages (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX conversation_messages_in_order ON conversation_messages (conversation_id, created_at);

-- Per person: when they last read the conversation (its unread messages are the later ones by
-- others), and when they were last emailed about it (at most one email every few minutes).
CREATE TABLE conversation_reads (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    read_at TIMESTAMP,
    emailed_at TIMESTAMP,
    PRIMARY KEY (conversation_id, user_id)
);
