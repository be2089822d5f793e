-- The journal beyond single marks: lessons and work types on marks, every
-- change of a mark kept, scales, attendance, policies, finals, reopen
-- requests, and the outbox behind the change feed.

ALTER TABLE marks ADD COLUMN lesson_id uuid;
ALTER TABLE marks ADD COLUMN work_type_id uuid;
-- Bumped by every change; the history holds one row per revision.
ALTER TABLE marks ADD COLUMN revision integer NOT NULL DEFAULT 1;
-- When a guardian (or the student) first opened it.
ALTER TABLE marks ADD COLUMN seen_at timestamptz;
CREATE INDEX marks_class_subject ON marks (class_id, subject_id, lesson_date);

CREATE TABLE mark_revisions (
    mark_id uuid NOT NULL REFERENCES marks (id),
    revision integer NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    -- JSON snapshots of the mark; `before` is NULL for the first revision.
    before text,
    after text NOT NULL,
    reason text NOT NULL,
    PRIMARY KEY (mark_id, revision)
);

CREATE TABLE grading_scales (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    -- NULL: the school's scale for subjects without one of their own.
    subject_id uuid,
    kind text NOT NULL,
    name text NOT NULL,
    modifiers boolean NOT NULL,
    -- JSON list of {value, points} for custom scales.
    custom_values text NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT grading_scales_subject UNIQUE NULLS NOT DISTINCT (school_id, subject_id)
);

CREATE TABLE work_types (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    name text NOT NULL,
    weight integer NOT NULL CHECK (weight BETWEEN 1 AND 10),
    UNIQUE (school_id, name)
);

CREATE TABLE attendance (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    student_id uuid NOT NULL,
    class_id uuid,
    lesson_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    lesson_date date NOT NULL,
    kind text NOT NULL,
    late_minutes integer NOT NULL,
    reason text NOT NULL,
    author_id uuid NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (student_id, lesson_id)
);
CREATE INDEX attendance_student_date ON attendance (student_id, lesson_date);
CREATE INDEX attendance_class_subject ON attendance (class_id, subject_id, lesson_date);

CREATE TABLE journal_settings (
    school_id uuid PRIMARY KEY,
    -- How many days after a lesson its teacher may still change its marks.
    edit_window_days integer NOT NULL
);

CREATE TABLE calculation_policies (
    school_id uuid NOT NULL,
    scale text NOT NULL,
    version bigint NOT NULL,
    -- JSON list of {mark, min_average}, best first.
    thresholds text NOT NULL,
    rounding text NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (school_id, scale, version)
);

CREATE TABLE final_marks (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    student_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    reporting_period_id uuid NOT NULL,
    value text NOT NULL,
    policy_version bigint NOT NULL,
    author_id uuid NOT NULL,
    reason text NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (student_id, subject_id, reporting_period_id)
);

CREATE TABLE reopen_requests (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    class_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    reporting_period_id uuid NOT NULL,
    requester_id uuid NOT NULL,
    reason text NOT NULL,
    state text NOT NULL,
    decider_id uuid,
    decision_comment text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    decided_at timestamptz
);
CREATE INDEX reopen_requests_school ON reopen_requests (school_id, id);
CREATE INDEX reopen_requests_journal ON reopen_requests (class_id, subject_id, reporting_period_id);

-- The outbox. A reader may only hand out rows of transactions that every
-- later transaction follows (the snapshot's xmin), in (txid, seq) order:
-- sequence numbers alone can commit out of order and be skipped.
CREATE TABLE changes (
    seq bigserial PRIMARY KEY,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    school_id uuid NOT NULL,
    resource_type text NOT NULL,
    resource_id uuid NOT NULL,
    kind text NOT NULL,
    -- The resource after the change, protobuf-encoded; NULL for deletions.
    payload bytea,
    created_at timestamptz NOT NULL
);
CREATE INDEX changes_order ON changes (txid, seq);
