-- What gradebook holds on each lesson, as its change feed tells: one row
-- per live mark or attendance record that names a lesson. A lesson's
-- `has_marks` and `has_attendance` say whether it has such rows, so
-- regeneration never drops a lesson with journal data.
CREATE TABLE journal_entries (
    entity_type TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    school_id BLOB NOT NULL,
    lesson_id BLOB NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);
CREATE INDEX journal_entries_lesson ON journal_entries (lesson_id, entity_type);

-- The platform's feed consumers (otmetka_platform::feed): where each has
-- read up to, and the changes it could not apply.
CREATE TABLE feed_cursors (
    consumer TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE feed_parked (
    id BLOB PRIMARY KEY,
    consumer TEXT NOT NULL,
    cursor TEXT NOT NULL,
    envelope BLOB NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    parked_at TEXT NOT NULL
);
