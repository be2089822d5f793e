-- News about a class or a group of it that its families are still to hear
-- (new homework, a lesson cancelled, a substitute, another room): kept in
-- the transaction that moves schedule's feed cursor, told by the notifier
-- to the class's students and guardians as identity lists them then.
CREATE TABLE pending_class_news (
    source_service text NOT NULL,
    source_event_id text NOT NULL,
    school_id uuid NOT NULL,
    class_id uuid NOT NULL,
    -- Only this group of the class; NULL for the whole class.
    group_id uuid,
    subject_id uuid,
    kind text NOT NULL,
    -- The homework's first line, the new room.
    detail text NOT NULL,
    -- The lesson's day, or the day the homework is due.
    day date,
    lesson_number integer,
    resource_type text NOT NULL,
    resource_id text NOT NULL,
    created_at timestamptz NOT NULL,
    -- Not told before this: a change of a lesson after tomorrow waits
    -- for the evening before. NULL: as soon as may be.
    due_at timestamptz,
    PRIMARY KEY (source_service, source_event_id)
);
CREATE INDEX pending_class_news_resource ON pending_class_news (resource_id);
