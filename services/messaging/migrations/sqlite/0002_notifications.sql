-- Where messaging stands in the journal's change feed, and the changes it
-- could not use (platform::feed).
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

-- News about a student that their family is still to hear: written in the
-- transaction that moves the feed cursor past the change, so each change
-- is kept once; the notifier turns it into one notification per recipient
-- and deletes it in one transaction.
CREATE TABLE pending_news (
    source_service TEXT NOT NULL,
    source_event_id TEXT NOT NULL,
    school_id BLOB NOT NULL,
    student_id BLOB NOT NULL,
    -- The subject the news is about, whose name the text gives.
    subject_id BLOB,
    kind TEXT NOT NULL,
    -- What happened, in a word the text is built around: a mark's value,
    -- an attendance kind.
    detail TEXT NOT NULL,
    -- The school day it concerns, if any.
    day TEXT,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Not told before this: an absence waits for the school's 10:00, and
    -- is forgotten if it is explained by then. NULL: as soon as may be.
    due_at TEXT,
    PRIMARY KEY (source_service, source_event_id)
);

-- One person's notifications. A change notifies each recipient once: the
-- source event and the person are unique together.
CREATE TABLE notifications (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    student_id BLOB,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    source_service TEXT NOT NULL,
    source_event_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    read_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (source_service, source_event_id, person_id)
);
CREATE INDEX notifications_person ON notifications (person_id, id);
