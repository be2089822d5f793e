-- News and announcements of a school. The audience is kept as it was
-- chosen (lists as comma-separated ids and levels); whom it reached is
-- kept once published, in the tables below.
CREATE TABLE announcements (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    whole_school INTEGER NOT NULL,
    grade_levels TEXT NOT NULL,
    class_ids TEXT NOT NULL,
    group_ids TEXT NOT NULL,
    roles TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    pinned INTEGER NOT NULL,
    state TEXT NOT NULL,
    -- When it is (or was) shown; NULL for a draft with no time chosen.
    publish_at TEXT,
    expire_at TEXT,
    author_id BLOB NOT NULL,
    request_id BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- How far publication has gone through the audience: identity's page
    -- token after the last page reached, so a restart resumes there.
    reach_cursor TEXT,
    -- When everyone in the audience at publication was reached.
    reached_at TEXT,
    UNIQUE (author_id, request_id)
);
CREATE INDEX announcements_school ON announcements (school_id, id);
CREATE INDEX announcements_unreached ON announcements (state, reached_at);

-- Everyone an announcement reached, with their own read mark.
CREATE TABLE announcement_recipients (
    announcement_id BLOB NOT NULL REFERENCES announcements (id),
    person_id BLOB NOT NULL,
    school_id BLOB NOT NULL,
    role TEXT NOT NULL,
    read_at TEXT,
    PRIMARY KEY (announcement_id, person_id)
);
CREATE INDEX announcement_recipients_person ON announcement_recipients (person_id, announcement_id);

-- The families it reached: each student with the class they were in and
-- each member of the family, so that the author can count families that
-- read it and a class's announcements can be listed.
CREATE TABLE announcement_families (
    announcement_id BLOB NOT NULL REFERENCES announcements (id),
    student_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    class_id BLOB NOT NULL,
    PRIMARY KEY (announcement_id, student_id, person_id)
);
CREATE INDEX announcement_families_class ON announcement_families (class_id, announcement_id);
