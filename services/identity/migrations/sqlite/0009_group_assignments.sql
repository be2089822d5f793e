-- A teacher may teach one subject to several groups of a class (both halves
-- of a class in computer science): an assignment is unique per group, and
-- the whole class counts as one more "group". SQLite cannot drop a table
-- constraint, so the table is rebuilt.
CREATE TABLE teaching_assignments_new (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL REFERENCES schools (id),
    teacher_id BLOB NOT NULL REFERENCES persons (id),
    class_id BLOB NOT NULL REFERENCES classes (id),
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    created_at TEXT NOT NULL,
    group_id BLOB REFERENCES class_groups (id)
);
INSERT INTO teaching_assignments_new (id, school_id, teacher_id, class_id, subject_id, created_at, group_id)
    SELECT id, school_id, teacher_id, class_id, subject_id, created_at, group_id FROM teaching_assignments;
DROP TABLE teaching_assignments;
ALTER TABLE teaching_assignments_new RENAME TO teaching_assignments;
CREATE INDEX teaching_assignments_class ON teaching_assignments (class_id);
CREATE UNIQUE INDEX teaching_assignments_audience
    ON teaching_assignments (teacher_id, class_id, subject_id, ifnull(group_id, x''));
