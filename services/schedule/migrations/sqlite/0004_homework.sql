-- Homework set on a lesson and due on a later lesson of the same class (or
-- group) and subject, and the students' submissions. The lessons' class,
-- group, subject and dates are copied in: a diary week finds its homework
-- by class and date in one query.
CREATE TABLE homework (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    lesson_id BLOB NOT NULL REFERENCES lessons (id),
    due_lesson_id BLOB NOT NULL REFERENCES lessons (id),
    class_id BLOB NOT NULL,
    group_id BLOB,
    subject_id BLOB NOT NULL,
    set_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    text TEXT NOT NULL,
    submission_required INTEGER NOT NULL,
    author_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX homework_lesson ON homework (lesson_id);
CREATE INDEX homework_due_lesson ON homework (due_lesson_id);
CREATE INDEX homework_class_due ON homework (school_id, class_id, due_date, id);
CREATE INDEX homework_class_set ON homework (school_id, class_id, set_date);

CREATE TABLE submissions (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    homework_id BLOB NOT NULL REFERENCES homework (id),
    student_id BLOB NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    late INTEGER NOT NULL,
    teacher_comment TEXT NOT NULL,
    mark_id BLOB,
    reviewed_by BLOB,
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (homework_id, student_id)
);
CREATE INDEX submissions_student ON submissions (school_id, student_id, id);
