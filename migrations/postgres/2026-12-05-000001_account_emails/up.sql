-- One-time secrets sent by email: password resets and address verification (SHA-256 kept only).
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user_id ON account_tokens (user_id);

ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
