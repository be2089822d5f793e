-- Where messaging stands in the journal's change feed, and the changes it
-- could not use (platform::feed).
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

-- News about a student that their family is still to hear: written in the
-- transaction that moves the feed cursor past the change, so each change
-- is kept once; the notifier turns it into one notification per recipient
-- and deletes it in one transaction.
CREATE TABLE pending_news (
    source_service text NOT NULL,
    source_event_id text NOT NULL,
    school_id uuid NOT NULL,
    student_id uuid NOT NULL,
    -- The subject the news is about, whose name the text gives.
    subject_id uuid,
    kind text NOT NULL,
    -- What happened, in a word the text is built around: a mark's value,
    -- an attendance kind.
    detail text NOT NULL,
    -- The school day it concerns, if any.
    day date,
    resource_type text NOT NULL,
    resource_id text NOT NULL,
    created_at timestamptz NOT NULL,
    -- Not told before this: an absence waits for the school's 10:00, and
    -- is forgotten if it is explained by then. NULL: as soon as may be.
    due_at timestamptz,
    PRIMARY KEY (source_service, source_event_id)
);

-- One person's notifications. A change notifies each recipient once: the
-- source event and the person are unique together.
CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    person_id uuid NOT NULL,
    student_id uuid,
    kind text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    source_service text NOT NULL,
    source_event_id text NOT NULL,
    resource_type text NOT NULL,
    resource_id text NOT NULL,
    read_at timestamptz,
    created_at timestamptz NOT NULL,
    UNIQUE (source_service, source_event_id, person_id)
);
CREATE INDEX notifications_person ON notifications (person_id, id);
