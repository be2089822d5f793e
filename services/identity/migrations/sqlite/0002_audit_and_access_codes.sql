CREATE TABLE audit_events (
    id BLOB PRIMARY KEY,
    -- NULL for city-level events (e.g. a city operator's login).
    school_id BLOB,
    -- The acting person; NULL when unknown (a failed login for no such login).
    actor_id BLOB,
    kind TEXT NOT NULL,
    object_id BLOB,
    -- As reported by the gateway, else the peer address.
    source_address TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX audit_events_school ON audit_events (school_id, id);

CREATE TABLE access_codes (
    id BLOB PRIMARY KEY,
    school_id BLOB NOT NULL REFERENCES schools (id),
    student_id BLOB NOT NULL REFERENCES persons (id),
    -- SHA-256 of the normalized code: the code itself is shown once, never stored.
    code_hash BLOB NOT NULL UNIQUE,
    issued_by BLOB NOT NULL REFERENCES persons (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    redeemed_at TEXT,
    redeemed_by BLOB REFERENCES persons (id),
    revoked_at TEXT
);
CREATE INDEX access_codes_school ON access_codes (school_id, id);

-- Failed attempts per key (a person, a login or a source address), for
-- backoff and lockout. Rows age out; only recent ones count.
CREATE TABLE failed_attempts (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    attempted_at TEXT NOT NULL
);
CREATE INDEX failed_attempts_subject ON failed_attempts (scope, subject, attempted_at);
