CREATE TABLE marks (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    student_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    -- The student's class when the mark was posted, if they had one.
    class_id uuid,
    lesson_date date NOT NULL,
    scale text NOT NULL,
    value text NOT NULL,
    status text NOT NULL,
    weight integer NOT NULL CHECK (weight BETWEEN 1 AND 10),
    comment text NOT NULL,
    author_id uuid NOT NULL,
    -- The client's idempotency key: a retried post returns the first mark.
    request_id text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz,
    UNIQUE (author_id, request_id)
);
CREATE INDEX marks_student_date ON marks (student_id, lesson_date DESC, id DESC);
CREATE INDEX marks_school ON marks (school_id);
