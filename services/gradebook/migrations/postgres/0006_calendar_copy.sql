-- Gradebook's own copy of the school calendar it checks writes against
-- (lessons and reporting periods), fed by schedule's change feed, so that
-- no mark waits on a call to schedule. Each row keeps schedule's message
-- as it came (`payload`), beside the columns gradebook looks it up by.
CREATE TABLE calendar_lessons (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    class_id uuid NOT NULL,
    group_id uuid,
    subject_id uuid NOT NULL,
    date date NOT NULL,
    lesson_number integer NOT NULL,
    payload bytea NOT NULL
);
CREATE INDEX calendar_lessons_journal ON calendar_lessons (class_id, subject_id, date);

CREATE TABLE calendar_periods (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    payload bytea NOT NULL
);
CREATE INDEX calendar_periods_school ON calendar_periods (school_id);

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
