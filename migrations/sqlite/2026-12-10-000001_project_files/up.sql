-- A project's photos and documents. The bytes live in the file store (`[storage]`) under
-- `object_key` (and `thumbnail_key` for a photo); the row is written only once they are there.
CREATE TABLE project_files (
    id TEXT PRIMARY KEY NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id),
    -- photo | document
    kind TEXT NOT NULL,
    -- A data room document: only the region and staff may open it.
    confidential BOOLEAN NOT NULL,
    title_id TEXT NOT NULL,
    title_en TEXT NOT NULL,
    -- The name it was uploaded under, cleaned, for Content-Disposition.
    file_name TEXT NOT NULL,
    -- Detected from the content, never taken from the client.
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    object_key TEXT NOT NULL,
    thumbnail_key TEXT,
    width INTEGER,
    height INTEGER,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_files_project_id ON project_files (project_id, created_at);

-- Every opening of a data room document by someone outside its region. No reference to
-- project_files: the record outlives the file.
CREATE TABLE file_downloads (
    id TEXT PRIMARY KEY NOT NULL,
    file_id TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id),
    account_id TEXT NOT NULL REFERENCES users (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX file_downloads_file_id ON file_downloads (file_id, at);
