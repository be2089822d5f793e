-- Groups within a class (e.g. the halves of a class for a language), and
-- teaching assignments that cover one group only.
CREATE TABLE class_groups (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL REFERENCES schools (id),
    class_id BLOB NOT NULL REFERENCES classes (id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (class_id, name)
);

CREATE TABLE group_members (
    group_id BLOB NOT NULL REFERENCES class_groups (id),
    student_id BLOB NOT NULL REFERENCES persons (id),
    PRIMARY KEY (group_id, student_id)
);
CREATE INDEX group_members_student ON group_members (student_id);

ALTER TABLE teaching_assignments ADD COLUMN group_id BLOB REFERENCES class_groups (id);
