CREATE TABLE audit_events (
    id uuid PRIMARY KEY,
    -- NULL for city-level events (e.g. a city operator's login).
    school_id uuid,
    -- The acting person; NULL when unknown (a failed login for no such login).
    actor_id uuid,
    kind text NOT NULL,
    object_id uuid,
    -- As reported by the gateway, else the peer address.
    source_address text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX audit_events_school ON audit_events (school_id, id);

CREATE TABLE access_codes (
    id uuid PRIMARY KEY,
    school_id uuid NOT NULL REFERENCES schools (id),
    student_id uuid NOT NULL REFERENCES persons (id),
    -- SHA-256 of the normalized code: the code itself is shown once, never stored.
    code_hash bytea NOT NULL UNIQUE,
    issued_by uuid NOT NULL REFERENCES persons (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    redeemed_at timestamptz,
    redeemed_by uuid REFERENCES persons (id),
    revoked_at timestamptz
);
CREATE INDEX access_codes_school ON access_codes (school_id, id);

-- Failed attempts per key (a person, a login or a source address), for
-- backoff and lockout. Rows age out; only recent ones count.
CREATE TABLE failed_attempts (
    scope text NOT NULL,
    subject text NOT NULL,
    attempted_at timestamptz NOT NULL
);
CREATE INDEX failed_attempts_subject ON failed_attempts (scope, subject, attempted_at);
