-- News and announcements of a school. The audience is kept as it was
-- chosen (lists as comma-separated ids and levels); whom it reached is
-- kept once published, in the tables below.
CREATE TABLE announcements (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    kind text NOT NULL,
    whole_school boolean NOT NULL,
    grade_levels text NOT NULL,
    class_ids text NOT NULL,
    group_ids text NOT NULL,
    roles text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    pinned boolean NOT NULL,
    state text NOT NULL,
    -- When it is (or was) shown; NULL for a draft with no time chosen.
    publish_at timestamptz,
    expire_at timestamptz,
    author_id uuid NOT NULL,
    request_id uuid,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    -- How far publication has gone through the audience: identity's page
    -- token after the last page reached, so a restart resumes there.
    reach_cursor text,
    -- When everyone in the audience at publication was reached.
    reached_at timestamptz,
    UNIQUE (author_id, request_id)
);
CREATE INDEX announcements_school ON announcements (school_id, id);
CREATE INDEX announcements_unreached ON announcements (state, reached_at);

-- Everyone an announcement reached, with their own read mark.
CREATE TABLE announcement_recipients (
    announcement_id uuid NOT NULL REFERENCES announcements (id),
    person_id uuid NOT NULL,
    school_id uuid NOT NULL,
    role text NOT NULL,
    read_at timestamptz,
    PRIMARY KEY (announcement_id, person_id)
);
CREATE INDEX announcement_recipients_person ON announcement_recipients (person_id, announcement_id);

-- The families it reached: each student with the class they were in and
-- each member of the family, so that the author can count families that
-- read it and a class's announcements can be listed.
CREATE TABLE announcement_families (
    announcement_id uuid NOT NULL REFERENCES announcements (id),
    student_id uuid NOT NULL,
    person_id uuid NOT NULL,
    class_id uuid NOT NULL,
    PRIMARY KEY (announcement_id, student_id, person_id)
);
CREATE INDEX announcement_families_class ON announcement_families (class_id, announcement_id);
