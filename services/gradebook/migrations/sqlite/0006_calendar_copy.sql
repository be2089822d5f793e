-- Gradebook's own copy of the school calendar it checks writes against
-- (lessons and reporting periods), fed by schedule's change feed, so that
-- no mark waits on a call to schedule. Each row keeps schedule's message
-- as it came (`payload`), beside the columns gradebook looks it up by.
CREATE TABLE calendar_lessons (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    class_id BLOB NOT NULL,
    group_id BLOB,
    subject_id BLOB NOT NULL,
    date TEXT NOT NULL,
    lesson_number INTEGER NOT NULL,
    payload BLOB NOT NULL
);
CREATE INDEX calendar_lessons_journal ON calendar_lessons (class_id, subject_id, date);

CREATE TABLE calendar_periods (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    payload BLOB NOT NULL
);
CREATE INDEX calendar_periods_school ON calendar_periods (school_id);

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
