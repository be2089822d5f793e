-- Homework set on a lesson and due on a later lesson of the same class (or
-- group) and subject, and the students' submissions. The lessons' class,
-- group, subject and dates are copied in: a diary week finds its homework
-- by class and date in one query.
CREATE TABLE homework (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    lesson_id uuid NOT NULL REFERENCES lessons (id),
    due_lesson_id uuid NOT NULL REFERENCES lessons (id),
    class_id uuid NOT NULL,
    group_id uuid,
    subject_id uuid NOT NULL,
    set_date date NOT NULL,
    due_date date NOT NULL,
    text text NOT NULL,
    submission_required boolean NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX homework_lesson ON homework (lesson_id);
CREATE INDEX homework_due_lesson ON homework (due_lesson_id);
CREATE INDEX homework_class_due ON homework (school_id, class_id, due_date, id);
CREATE INDEX homework_class_set ON homework (school_id, class_id, set_date);

CREATE TABLE submissions (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    homework_id uuid NOT NULL REFERENCES homework (id),
    student_id uuid NOT NULL,
    text text NOT NULL,
    status text NOT NULL,
    submitted_at timestamptz NOT NULL,
    late boolean NOT NULL,
    teacher_comment text NOT NULL,
    mark_id uuid,
    reviewed_by uuid,
    reviewed_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (homework_id, student_id)
);
CREATE INDEX submissions_student ON submissions (school_id, student_id, id);
