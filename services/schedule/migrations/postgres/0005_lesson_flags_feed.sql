-- What gradebook holds on each lesson, as its change feed tells: one row
-- per live mark or attendance record that names a lesson. A lesson's
-- `has_marks` and `has_attendance` say whether it has such rows, so
-- regeneration never drops a lesson with journal data.
CREATE TABLE journal_entries (
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    school_id uuid NOT NULL,
    lesson_id uuid NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);
CREATE INDEX journal_entries_lesson ON journal_entries (lesson_id, entity_type);

-- The platform's feed consumers (otmetka_platform::feed): where each has
-- read up to, and the changes it could not apply.
CREATE TABLE feed_cursors (
    consumer text PRIMARY KEY,
    cursor text NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE TABLE feed_parked (
    id uuid PRIMARY KEY,
    consumer text NOT NULL,
    cursor text NOT NULL,
    envelope bytea NOT NULL,
    reason text NOT NULL,
    attempts integer NOT NULL,
    parked_at timestamptz NOT NULL
);
