CREATE TABLE schools (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    -- The name lowercased by the service (SQLite's lower() is ASCII-only).
    search_name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX schools_name_key ON schools (search_name);

CREATE TABLE persons (
    id BLOB PRIMARY KEY,
    -- NULL for city-level people (operators) who belong to no school.
    school_id BLOB REFERENCES schools (id),
    kind TEXT NOT NULL CHECK (kind IN ('student', 'guardian', 'staff')),
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    middle_name TEXT NOT NULL DEFAULT '',
    -- The full name lowercased by the service (SQLite's lower() is ASCII-only).
    search_name TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX persons_school_name ON persons (school_id, search_name, id);

CREATE TABLE city_operators (
    person_id BLOB PRIMARY KEY REFERENCES persons (id)
);

CREATE TABLE staff_roles (
    school_id BLOB NOT NULL REFERENCES schools (id),
    person_id BLOB NOT NULL REFERENCES persons (id),
    role TEXT NOT NULL CHECK (role IN ('teacher', 'deputy_head', 'director', 'school_admin')),
    PRIMARY KEY (person_id, school_id, role)
);

CREATE TABLE classes (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL REFERENCES schools (id),
    grade_level INTEGER NOT NULL,
    letter TEXT NOT NULL,
    academic_year INTEGER NOT NULL,
    class_teacher_id BLOB REFERENCES persons (id),
    created_at TEXT NOT NULL,
    UNIQUE (school_id, academic_year, grade_level, letter)
);

CREATE TABLE subjects (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL REFERENCES schools (id),
    name TEXT NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE class_memberships (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL REFERENCES schools (id),
    student_id BLOB NOT NULL REFERENCES persons (id),
    class_id BLOB NOT NULL REFERENCES classes (id),
    start_date TEXT NOT NULL,
    -- Exclusive; NULL while the membership lasts.
    end_date TEXT
);
CREATE INDEX class_memberships_student ON class_memberships (student_id, start_date);
CREATE INDEX class_memberships_class ON class_memberships (class_id, start_date);

CREATE TABLE guardianships (
    guardian_id BLOB NOT NULL REFERENCES persons (id),
    student_id BLOB NOT NULL REFERENCES persons (id),
    school_id BLOB NOT NULL REFERENCES schools (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (guardian_id, student_id)
);
CREATE INDEX guardianships_student ON guardianships (student_id);

CREATE TABLE teaching_assignments (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL REFERENCES schools (id),
    teacher_id BLOB NOT NULL REFERENCES persons (id),
    class_id BLOB NOT NULL REFERENCES classes (id),
    subject_id BLOB NOT NULL REFERENCES subjects (id),
    created_at TEXT NOT NULL,
    UNIQUE (teacher_id, class_id, subject_id)
);
CREATE INDEX teaching_assignments_class ON teaching_assignments (class_id);

CREATE TABLE credentials (
    person_id BLOB PRIMARY KEY REFERENCES persons (id),
    -- Stored lowercased: logins are case-insensitive.
    login TEXT NOT NULL UNIQUE,
    -- Argon2id PHC string.
    password_hash TEXT NOT NULL,
    must_change INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    -- PKCS#8 DER of the Ed25519 private key.
    private_key BLOB NOT NULL,
    public_key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
);

CREATE TABLE refresh_tokens (
    -- SHA-256 of the token: the token itself is never stored.
    token_hash BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX refresh_tokens_person ON refresh_tokens (person_id);
