-- Personal threads between families and staff. Every school-owned row
-- carries school_id: the distribution key.
CREATE TABLE threads (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    -- The student the conversation is about; set whenever a student or a
    -- guardian takes part, so that a guardian's access can end with the
    -- guardianship.
    student_id uuid,
    subject text NOT NULL,
    created_by uuid NOT NULL,
    -- The creator's idempotency key: a retry finds the thread it made.
    request_id uuid,
    created_at timestamptz NOT NULL,
    UNIQUE (created_by, request_id)
);

-- Who takes part, as they were named when the thread began, with each
-- one's own read mark and archive flag. last_message_id copies the
-- thread's newest message id (UUIDv7, so time-ordered): a person's threads
-- list, most recent first, is one index range.
CREATE TABLE thread_participants (
    thread_id uuid NOT NULL REFERENCES threads (id),
    person_id uuid NOT NULL,
    school_id uuid NOT NULL,
    role text NOT NULL,
    display_name text NOT NULL,
    position integer NOT NULL,
    last_read_message_id uuid,
    last_read_at timestamptz,
    archived boolean NOT NULL,
    last_message_id uuid NOT NULL,
    PRIMARY KEY (thread_id, person_id)
);
CREATE INDEX thread_participants_person ON thread_participants (person_id, last_message_id);

CREATE TABLE thread_messages (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    thread_id uuid NOT NULL REFERENCES threads (id),
    author_id uuid NOT NULL,
    text text NOT NULL,
    request_id uuid,
    created_at timestamptz NOT NULL,
    UNIQUE (author_id, request_id)
);
CREATE INDEX thread_messages_thread ON thread_messages (thread_id, id);
