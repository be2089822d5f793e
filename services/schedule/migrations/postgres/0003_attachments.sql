-- Files uploaded for homework and submissions. The bytes are in the file
-- store (a folder, by default); this is what is known of them. A file
-- belongs to at most one homework or submission; until then it is
-- unattached, and removed after a day.
CREATE TABLE attachments (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    -- SHA-256 of the content, lowercase hex.
    sha256 text NOT NULL,
    uploaded_by uuid NOT NULL,
    created_at timestamptz NOT NULL,
    homework_id uuid,
    submission_id uuid,
    -- When it was last attached or let go; unattached files expire from it.
    attached_at timestamptz
);
CREATE INDEX attachments_homework ON attachments (homework_id) WHERE homework_id IS NOT NULL;
CREATE INDEX attachments_submission ON attachments (submission_id) WHERE submission_id IS NOT NULL;
CREATE INDEX attachments_unattached ON attachments (created_at)
    WHERE homework_id IS NULL AND submission_id IS NULL;
