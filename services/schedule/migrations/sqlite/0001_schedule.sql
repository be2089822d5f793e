-- Every school-owned row carries school_id: the distribution key.

CREATE TABLE academic_years (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX academic_years_school ON academic_years (school_id, start_date);

CREATE TABLE reporting_periods (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    academic_year_id BLOB NOT NULL REFERENCES academic_years (id),
    kind TEXT NOT NULL,
    number INTEGER NOT NULL,
    name TEXT NOT NULL,
    -- Grade levels as ",5,6,7,", so that one LIKE finds a level on both backends.
    grade_levels TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    closed INTEGER NOT NULL,
    closed_at TEXT,
    closed_by BLOB,
    -- The last reopening and why: kept for the deputy head's record.
    reopened_at TEXT,
    reopened_by BLOB,
    reopen_reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX reporting_periods_school ON reporting_periods (school_id, academic_year_id, start_date);

CREATE TABLE bell_schedules (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    name TEXT NOT NULL,
    -- "1=08:30-09:15;2=09:25-10:10", by lesson number.
    slots TEXT NOT NULL,
    is_default INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX bell_schedules_one_default ON bell_schedules (school_id) WHERE is_default;

CREATE TABLE holidays (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    academic_year_id BLOB NOT NULL REFERENCES academic_years (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    -- ",1," for grade 1 only; "" for the whole school.
    grade_levels TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX holidays_school ON holidays (school_id, start_date);

CREATE TABLE timetable_entries (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    academic_year_id BLOB NOT NULL REFERENCES academic_years (id),
    class_id BLOB NOT NULL,
    group_id BLOB,
    -- The class's grade level, read from identity when the entry was saved;
    -- it decides which grade-level holidays apply.
    grade_level INTEGER NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    lesson_number INTEGER NOT NULL,
    subject_id BLOB NOT NULL,
    teacher_id BLOB NOT NULL,
    room TEXT NOT NULL,
    periodicity TEXT NOT NULL,
    -- NULL: the academic year's bound, whatever it becomes.
    start_date TEXT,
    end_date TEXT,
    -- NULL: the school's default bell schedule.
    bell_schedule_id BLOB REFERENCES bell_schedules (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX timetable_entries_slot ON timetable_entries (school_id, academic_year_id, weekday, lesson_number);

CREATE TABLE lessons (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL,
    academic_year_id BLOB NOT NULL REFERENCES academic_years (id),
    -- No foreign key: a lesson with records outlives its deleted entry.
    timetable_entry_id BLOB,
    origin TEXT NOT NULL,
    class_id BLOB NOT NULL,
    group_id BLOB,
    grade_level INTEGER NOT NULL,
    subject_id BLOB NOT NULL,
    date TEXT NOT NULL,
    lesson_number INTEGER NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    teacher_id BLOB NOT NULL,
    substitute_teacher_id BLOB,
    substitution_reason TEXT NOT NULL,
    planned_room TEXT NOT NULL,
    -- Set by a room change; NULL follows the planned room.
    room_override TEXT,
    topic TEXT NOT NULL,
    cancelled INTEGER NOT NULL,
    cancel_reason TEXT NOT NULL,
    has_marks INTEGER NOT NULL,
    has_attendance INTEGER NOT NULL,
    has_homework INTEGER NOT NULL,
    orphaned INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (timetable_entry_id, date)
);
CREATE INDEX lessons_class ON lessons (school_id, class_id, date, lesson_number);
CREATE INDEX lessons_teacher ON lessons (school_id, teacher_id, date);
CREATE INDEX lessons_substitute ON lessons (school_id, substitute_teacher_id, date);
CREATE INDEX lessons_year ON lessons (school_id, academic_year_id, date);

-- Idempotency keys of create requests: a retry returns the first resource.
CREATE TABLE create_requests (
    actor_id BLOB NOT NULL,
    request_id TEXT NOT NULL,
    school_id BLOB NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (actor_id, request_id)
);

-- The outbox: one row per change, written in the change's transaction.
-- Writers serialize on an advisory lock before they write, so `seq` order
-- is commit order and a reader's cursor never skips a late commit.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL,
    school_id BLOB NOT NULL,
    change_type TEXT NOT NULL,
    resource_kind TEXT NOT NULL,
    resource_id BLOB NOT NULL,
    actor_id BLOB NOT NULL,
    committed_at TEXT NOT NULL,
    -- The resource after the change (before it, for deletions), as the
    -- contract's protobuf message.
    resource BLOB NOT NULL
);
CREATE INDEX changes_school ON changes (school_id, seq);

-- Schools' timezones as identity last told them.
CREATE TABLE school_timezones (
    school_id BLOB PRIMARY KEY,
    timezone TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
