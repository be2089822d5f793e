-- Every school-owned row carries school_id: the distribution key.

CREATE TABLE academic_years (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    name text NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX academic_years_school ON academic_years (school_id, start_date);

CREATE TABLE reporting_periods (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    academic_year_id uuid NOT NULL REFERENCES academic_years (id),
    kind text NOT NULL,
    number integer NOT NULL,
    name text NOT NULL,
    -- Grade levels as ",5,6,7,", so that one LIKE finds a level on both backends.
    grade_levels text NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    closed boolean NOT NULL,
    closed_at timestamptz,
    closed_by uuid,
    -- The last reopening and why: kept for the deputy head's record.
    reopened_at timestamptz,
    reopened_by uuid,
    reopen_reason text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX reporting_periods_school ON reporting_periods (school_id, academic_year_id, start_date);

CREATE TABLE bell_schedules (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    name text NOT NULL,
    -- "1=08:30-09:15;2=09:25-10:10", by lesson number.
    slots text NOT NULL,
    is_default boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX bell_schedules_one_default ON bell_schedules (school_id) WHERE is_default;

CREATE TABLE holidays (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    academic_year_id uuid NOT NULL REFERENCES academic_years (id),
    kind text NOT NULL,
    name text NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    -- ",1," for grade 1 only; "" for the whole school.
    grade_levels text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX holidays_school ON holidays (school_id, start_date);

CREATE TABLE timetable_entries (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    academic_year_id uuid NOT NULL REFERENCES academic_years (id),
    class_id uuid NOT NULL,
    group_id uuid,
    -- The class's grade level, read from identity when the entry was saved;
    -- it decides which grade-level holidays apply.
    grade_level integer NOT NULL,
    weekday integer NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    lesson_number integer NOT NULL,
    subject_id uuid NOT NULL,
    teacher_id uuid NOT NULL,
    room text NOT NULL,
    periodicity text NOT NULL,
    -- NULL: the academic year's bound, whatever it becomes.
    start_date date,
    end_date date,
    -- NULL: the school's default bell schedule.
    bell_schedule_id uuid REFERENCES bell_schedules (id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX timetable_entries_slot ON timetable_entries (school_id, academic_year_id, weekday, lesson_number);

CREATE TABLE lessons (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL,
    academic_year_id uuid NOT NULL REFERENCES academic_years (id),
    -- No foreign key: a lesson with records outlives its deleted entry.
    timetable_entry_id uuid,
    origin text NOT NULL,
    class_id uuid NOT NULL,
    group_id uuid,
    grade_level integer NOT NULL,
    subject_id uuid NOT NULL,
    date date NOT NULL,
    lesson_number integer NOT NULL,
    start_time text NOT NULL,
    end_time text NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    teacher_id uuid NOT NULL,
    substitute_teacher_id uuid,
    substitution_reason text NOT NULL,
    planned_room text NOT NULL,
    -- Set by a room change; NULL follows the planned room.
    room_override text,
    topic text NOT NULL,
    cancelled boolean NOT NULL,
    cancel_reason text NOT NULL,
    has_marks boolean NOT NULL,
    has_attendance boolean NOT NULL,
    has_homework boolean NOT NULL,
    orphaned boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (timetable_entry_id, date)
);
CREATE INDEX lessons_class ON lessons (school_id, class_id, date, lesson_number);
CREATE INDEX lessons_teacher ON lessons (school_id, teacher_id, date);
CREATE INDEX lessons_substitute ON lessons (school_id, substitute_teacher_id, date);
CREATE INDEX lessons_year ON lessons (school_id, academic_year_id, date);

-- Idempotency keys of create requests: a retry returns the first resource.
CREATE TABLE create_requests (
    actor_id uuid NOT NULL,
    request_id text NOT NULL,
    school_id uuid NOT NULL,
    resource_kind text NOT NULL,
    resource_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (actor_id, request_id)
);

-- The outbox: one row per change, written in the change's transaction.
-- Writers serialize on an advisory lock before they write, so `seq` order
-- is commit order and a reader's cursor never skips a late commit.
CREATE TABLE changes (
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL,
    school_id uuid NOT NULL,
    change_type text NOT NULL,
    resource_kind text NOT NULL,
    resource_id uuid NOT NULL,
    actor_id uuid NOT NULL,
    committed_at timestamptz NOT NULL,
    -- The resource after the change (before it, for deletions), as the
    -- contract's protobuf message.
    resource bytea NOT NULL
);
CREATE INDEX changes_school ON changes (school_id, seq);

-- Schools' timezones as identity last told them.
CREATE TABLE school_timezones (
    school_id uuid PRIMARY KEY,
    timezone text NOT NULL,
    fetched_at timestamptz NOT NULL
);
