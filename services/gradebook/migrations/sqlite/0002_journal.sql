-- The journal beyond single marks: lessons and work types on marks, every
-- change of a mark kept, scales, attendance, policies, finals, reopen
-- requests, and the outbox behind the change feed.

ALTER TABLE marks ADD COLUMN lesson_id BLOB;
ALTER TABLE marks ADD COLUMN work_type_id BLOB;
-- Bumped by every change; the history holds one row per revision.
ALTER TABLE marks ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
-- When a guardian (or the student) first opened it.
ALTER TABLE marks ADD COLUMN seen_at TEXT;
CREATE INDEX marks_class_subject ON marks (class_id, subject_id, lesson_date);

CREATE TABLE mark_revisions (
    mark_id BLOB NOT NULL REFERENCES marks (id),
    revision INTEGER NOT NULL,
    author_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    -- JSON snapshots of the mark; `before` is NULL for the first revision.
    before TEXT,
    after TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (mark_id, revision)
);

CREATE TABLE grading_scales (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    -- NULL: the school's scale for subjects without one of their own.
    subject_id BLOB,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    modifiers INTEGER NOT NULL,
    -- JSON list of {value, points} for custom scales.
    custom_values TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX grading_scales_subject ON grading_scales (school_id, ifnull(subject_id, x''));

CREATE TABLE work_types (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    name TEXT NOT NULL,
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 10),
    UNIQUE (school_id, name)
);

CREATE TABLE attendance (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    student_id BLOB NOT NULL,
    class_id BLOB,
    lesson_id BLOB NOT NULL,
    subject_id BLOB NOT NULL,
    lesson_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    late_minutes INTEGER NOT NULL,
    reason TEXT NOT NULL,
    author_id BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (student_id, lesson_id)
);
CREATE INDEX attendance_student_date ON attendance (student_id, lesson_date);
CREATE INDEX attendance_class_subject ON attendance (class_id, subject_id, lesson_date);

CREATE TABLE journal_settings (
    school_id BLOB PRIMARY KEY,
    -- How many days after a lesson its teacher may still change its marks.
    edit_window_days INTEGER NOT NULL
);

CREATE TABLE calculation_policies (
    school_id BLOB NOT NULL,
    scale TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- JSON list of {mark, min_average}, best first.
    thresholds TEXT NOT NULL,
    rounding TEXT NOT NULL,
    author_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (school_id, scale, version)
);

CREATE TABLE final_marks (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    student_id BLOB NOT NULL,
    subject_id BLOB NOT NULL,
    reporting_period_id BLOB NOT NULL,
    value TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    author_id BLOB NOT NULL,
    reason TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (student_id, subject_id, reporting_period_id)
);

CREATE TABLE reopen_requests (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    class_id BLOB NOT NULL,
    subject_id BLOB NOT NULL,
    reporting_period_id BLOB NOT NULL,
    requester_id BLOB NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    decider_id BLOB,
    decision_comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX reopen_requests_school ON reopen_requests (school_id, id);
CREATE INDEX reopen_requests_journal ON reopen_requests (class_id, subject_id, reporting_period_id);

-- The outbox. SQLite runs one write transaction at a time, so sequence
-- order is commit order.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BLOB NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    -- The resource after the change, protobuf-encoded; NULL for deletions.
    payload BLOB,
    created_at TEXT NOT NULL
);
