-- News about a class or a group of it that its families are still to hear
-- (new homework, a lesson cancelled, a substitute, another room): kept in
-- the transaction that moves schedule's feed cursor, told by the notifier
-- to the class's students and guardians as identity lists them then.
CREATE TABLE pending_class_news (
    source_service TEXT NOT NULL,
    source_event_id TEXT NOT NULL,
    school_id BLOB NOT NULL,
    class_id BLOB NOT NULL,
    -- Only this group of the class; NULL for the whole class.
    group_id BLOB,
    subject_id BLOB,
    kind TEXT NOT NULL,
    -- The homework's first line, the new room.
    detail TEXT NOT NULL,
    -- The lesson's day, or the day the homework is due.
    day TEXT,
    lesson_number INTEGER,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Not told before this: a change of a lesson after tomorrow waits
    -- for the evening before. NULL: as soon as may be.
    due_at TEXT,
    PRIMARY KEY (source_service, source_event_id)
);
CREATE INDEX pending_class_news_resource ON pending_class_news (resource_id);
