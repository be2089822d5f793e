CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a copy of the table cannot be replayed.
    id_hash bytea PRIMARY KEY,
    person_id uuid NOT NULL,
    access_token text NOT NULL,
    access_expires_at timestamptz NOT NULL,
    refresh_token text NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    -- The absolute end of the session, whatever the activity.
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
