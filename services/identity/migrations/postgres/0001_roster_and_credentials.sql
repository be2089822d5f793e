CREATE TABLE schools (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    -- The name lowercased by the service (SQLite's lower() is ASCII-only).
    search_name text NOT NULL,
    timezone text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX schools_name_key ON schools (search_name);

CREATE TABLE persons (
    id uuid PRIMARY KEY,
    -- NULL for city-level people (operators) who belong to no school.
    school_id uuid REFERENCES schools (id),
    kind text NOT NULL CHECK (kind IN ('student', 'guardian', 'staff')),
    family_name text NOT NULL,
    given_name text NOT NULL,
    middle_name text NOT NULL DEFAULT '',
    -- The full name lowercased by the service (SQLite's lower() is ASCII-only).
    search_name text NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
);
CREATE INDEX persons_school_name ON persons (school_id, search_name, id);

CREATE TABLE city_operators (
    person_id uuid PRIMARY KEY REFERENCES persons (id)
);

CREATE TABLE staff_roles (
    school_id uuid NOT NULL REFERENCES schools (id),
    person_id uuid NOT NULL REFERENCES persons (id),
    role text NOT NULL CHECK (role IN ('teacher', 'deputy_head', 'director', 'school_admin')),
    PRIMARY KEY (person_id, school_id, role)
);

CREATE TABLE classes (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL REFERENCES schools (id),
    grade_level integer NOT NULL,
    letter text NOT NULL,
    academic_year integer NOT NULL,
    class_teacher_id uuid REFERENCES persons (id),
    created_at timestamptz NOT NULL,
    UNIQUE (school_id, academic_year, grade_level, letter)
);

CREATE TABLE subjects (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL REFERENCES schools (id),
    name text NOT NULL,
    UNIQUE (school_id, name)
);

CREATE TABLE class_memberships (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL REFERENCES schools (id),
    student_id uuid NOT NULL REFERENCES persons (id),
    class_id uuid NOT NULL REFERENCES classes (id),
    start_date date NOT NULL,
    -- Exclusive; NULL while the membership lasts.
    end_date date
);
CREATE INDEX class_memberships_student ON class_memberships (student_id, start_date);
CREATE INDEX class_memberships_class ON class_memberships (class_id, start_date);

CREATE TABLE guardianships (
    guardian_id uuid NOT NULL REFERENCES persons (id),
    student_id uuid NOT NULL REFERENCES persons (id),
    school_id uuid NOT NULL REFERENCES schools (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (guardian_id, student_id)
);
CREATE INDEX guardianships_student ON guardianships (student_id);

CREATE TABLE teaching_assignments (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL REFERENCES schools (id),
    teacher_id uuid NOT NULL REFERENCES persons (id),
    class_id uuid NOT NULL REFERENCES classes (id),
    subject_id uuid NOT NULL REFERENCES subjects (id),
    created_at timestamptz NOT NULL,
    UNIQUE (teacher_id, class_id, subject_id)
);
CREATE INDEX teaching_assignments_class ON teaching_assignments (class_id);

CREATE TABLE credentials (
    person_id uuid PRIMARY KEY REFERENCES persons (id),
    -- Stored lowercased: logins are case-insensitive.
    login text NOT NULL UNIQUE,
    -- Argon2id PHC string.
    password_hash text NOT NULL,
    must_change boolean NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE signing_keys (
    kid text PRIMARY KEY,
    -- PKCS#8 DER of the Ed25519 private key.
    private_key bytea NOT NULL,
    public_key bytea NOT NULL,
    created_at timestamptz NOT NULL,
    retired_at timestamptz
);

CREATE TABLE refresh_tokens (
    -- SHA-256 of the token: the token itself is never stored.
    token_hash bytea PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES persons (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX refresh_tokens_person ON refresh_tokens (person_id);
