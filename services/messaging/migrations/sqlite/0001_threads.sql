-- Personal threads between families and staff. Every school-owned row
-- carries school_id: the distribution key.
CREATE TABLE threads (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    -- The student the conversation is about; set whenever a student or a
    -- guardian takes part, so that a guardian's access can end with the
    -- guardianship.
    student_id BLOB,
    subject TEXT NOT NULL,
    created_by BLOB NOT NULL,
    -- The creator's idempotency key: a retry finds the thread it made.
    request_id BLOB,
    created_at TEXT NOT NULL,
    UNIQUE (created_by, request_id)
);

-- Who takes part, as they were named when the thread began, with each
-- one's own read mark and archive flag. last_message_id copies the
-- thread's newest message id (UUIDv7, so time-ordered): a person's threads
-- list, most recent first, is one index range.
CREATE TABLE thread_participants (
    thread_id BLOB NOT NULL REFERENCES threads (id),
    person_id BLOB NOT NULL,
    school_id BLOB NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL,
    position INTEGER NOT NULL,
    last_read_message_id BLOB,
    last_read_at TEXT,
    archived INTEGER NOT NULL,
    last_message_id BLOB NOT NULL,
    PRIMARY KEY (thread_id, person_id)
);
CREATE INDEX thread_participants_person ON thread_participants (person_id, last_message_id);

CREATE TABLE thread_messages (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    thread_id BLOB NOT NULL REFERENCES threads (id),
    author_id BLOB NOT NULL,
    text TEXT NOT NULL,
    request_id BLOB,
    created_at TEXT NOT NULL,
    UNIQUE (author_id, request_id)
);
CREATE INDEX thread_messages_thread ON thread_messages (thread_id, id);
