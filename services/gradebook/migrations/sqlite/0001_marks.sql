CREATE TABLE marks (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    student_id BLOB NOT NULL,
    subject_id BLOB NOT NULL,
    -- The student's class when the mark was posted, if they had one.
    class_id BLOB,
    lesson_date TEXT NOT NULL,
    scale TEXT NOT NULL,
    value TEXT NOT NULL,
    status TEXT NOT NULL,
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 10),
    comment TEXT NOT NULL,
    author_id BLOB NOT NULL,
    -- The client's idempotency key: a retried post returns the first mark.
    request_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    UNIQUE (author_id, request_id)
);
CREATE INDEX marks_student_date ON marks (student_id, lesson_date DESC, id DESC);
CREATE INDEX marks_school ON marks (school_id);
