-- Parent meetings of one or more classes. The classes (and, for an
-- individual meeting, the students) are kept as they were chosen, as
-- comma-separated ids; whom they invite is kept in the invitations below.
CREATE TABLE parent_meetings (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    class_ids text NOT NULL,
    student_ids text NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    start_at timestamptz NOT NULL,
    duration_seconds bigint NOT NULL,
    location text NOT NULL,
    online_url text NOT NULL,
    reply_deadline timestamptz,
    state text NOT NULL,
    cancel_reason text NOT NULL,
    organizer_id uuid NOT NULL,
    request_id uuid,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    -- Bumped by every change: a page of invitations written from an older
    -- reading is refused, and a change of time or place is told once under
    -- its revision.
    revision integer NOT NULL,
    -- How far inviting has gone through the classes: identity's page token
    -- after the last page invited, so a restart resumes there.
    invite_cursor text,
    -- When everyone was invited.
    invited_at timestamptz,
    -- A day before the start: when invitees are reminded.
    remind_at timestamptz NOT NULL,
    -- The start the reminder was sent for; a moved meeting reminds again.
    reminded_start_at timestamptz,
    UNIQUE (organizer_id, request_id)
);
CREATE INDEX parent_meetings_school ON parent_meetings (school_id, start_at, id);
CREATE INDEX parent_meetings_pending ON parent_meetings (state, invited_at);
CREATE INDEX parent_meetings_remind ON parent_meetings (state, remind_at);

-- The classes of a meeting, for a class's list.
CREATE TABLE parent_meeting_classes (
    meeting_id uuid NOT NULL REFERENCES parent_meetings (id),
    class_id uuid NOT NULL,
    PRIMARY KEY (meeting_id, class_id)
);
CREATE INDEX parent_meeting_classes_class ON parent_meeting_classes (class_id, meeting_id);

-- One guardian invited about one student, with their reply. A guardian is
-- invited once per student however often a page is written.
CREATE TABLE meeting_invitations (
    id uuid PRIMARY KEY,
    meeting_id uuid NOT NULL REFERENCES parent_meetings (id),
    school_id uuid NOT NULL,
    guardian_id uuid NOT NULL,
    student_id uuid NOT NULL,
    -- The student's class when invited.
    class_id uuid NOT NULL,
    -- NULL until the guardian replies.
    reply text,
    reply_comment text NOT NULL,
    replied_at timestamptz,
    created_at timestamptz NOT NULL,
    UNIQUE (meeting_id, guardian_id, student_id)
);
CREATE INDEX meeting_invitations_guardian ON meeting_invitations (guardian_id, meeting_id);
