-- Groups within a class (e.g. the halves of a class for a language), and
-- teaching assignments that cover one group only.
CREATE TABLE class_groups (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL REFERENCES schools (id),
    class_id uuid NOT NULL REFERENCES classes (id),
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (class_id, name)
);

CREATE TABLE group_members (
    group_id uuid NOT NULL REFERENCES class_groups (id),
    student_id uuid NOT NULL REFERENCES persons (id),
    PRIMARY KEY (group_id, student_id)
);
CREATE INDEX group_members_student ON group_members (student_id);

ALTER TABLE teaching_assignments ADD COLUMN group_id uuid REFERENCES class_groups (id);
