-- Files uploaded for homework and submissions. The bytes are in the file
-- store (a folder, by default); this is what is known of them. A file
-- belongs to at most one homework or submission; until then it is
-- unattached, and removed after a day.
CREATE TABLE attachments (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    -- SHA-256 of the content, lowercase hex.
    sha256 TEXT NOT NULL,
    uploaded_by BLOB NOT NULL,
    created_at TEXT NOT NULL,
    homework_id BLOB,
    submission_id BLOB,
    -- When it was last attached or let go; unattached files expire from it.
    attached_at TEXT
);
CREATE INDEX attachments_homework ON attachments (homework_id) WHERE homework_id IS NOT NULL;
CREATE INDEX attachments_submission ON attachments (submission_id) WHERE submission_id IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (created_at)
    WHERE homework_id IS NULL AND submission_id IS NULL;
