-- Parent meetings of one or more classes. The classes (and, for an
-- individual meeting, the students) are kept as they were chosen, as
-- comma-separated ids; whom they invite is kept in the invitations below.
CREATE TABLE parent_meetings (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    class_ids TEXT NOT NULL,
    student_ids TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    start_at TEXT NOT NULL,
    duration_seconds INTEGER NOT NULL,
    location TEXT NOT NULL,
    online_url TEXT NOT NULL,
    reply_deadline TEXT,
    state TEXT NOT NULL,
    cancel_reason TEXT NOT NULL,
    organizer_id BLOB NOT NULL,
    request_id BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- Bumped by every change: a page of invitations written from an older
    -- reading is refused, and a change of time or place is told once under
    -- its revision.
    revision INTEGER NOT NULL,
    -- How far inviting has gone through the classes: identity's page token
    -- after the last page invited, so a restart resumes there.
    invite_cursor TEXT,
    -- When everyone was invited.
    invited_at TEXT,
    -- A day before the start: when invitees are reminded.
    remind_at TEXT NOT NULL,
    -- The start the reminder was sent for; a moved meeting reminds again.
    reminded_start_at TEXT,
    UNIQUE (organizer_id, request_id)
);
CREATE INDEX parent_meetings_school ON parent_meetings (school_id, start_at, id);
CREATE INDEX parent_meetings_pending ON parent_meetings (state, invited_at);
CREATE INDEX parent_meetings_remind ON parent_meetings (state, remind_at);

-- The classes of a meeting, for a class's list.
CREATE TABLE parent_meeting_classes (
    meeting_id BLOB NOT NULL REFERENCES parent_meetings (id),
    class_id BLOB NOT NULL,
    PRIMARY KEY (meeting_id, class_id)
);
CREATE INDEX parent_meeting_classes_class ON parent_meeting_classes (class_id, meeting_id);

-- One guardian invited about one student, with their reply. A guardian is
-- invited once per student however often a page is written.
CREATE TABLE meeting_invitations (
    id BLOB PRIMARY KEY,
    meeting_id BLOB NOT NULL REFERENCES parent_meetings (id),
    school_id BLOB NOT NULL,
    guardian_id BLOB NOT NULL,
    student_id BLOB NOT NULL,
    -- The student's class when invited.
    class_id BLOB NOT NULL,
    -- NULL until the guardian replies.
    reply TEXT,
    reply_comment TEXT NOT NULL,
    replied_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (meeting_id, guardian_id, student_id)
);
CREATE INDEX meeting_invitations_guardian ON meeting_invitations (guardian_id, meeting_id);
