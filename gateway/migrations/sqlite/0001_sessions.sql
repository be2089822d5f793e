CREATE TABLE sessions (
    -- SHA-256 of the cookie value: a copy of the table cannot be replayed.
    id_hash BLOB PRIMARY KEY,
    person_id BLOB NOT NULL,
    access_token TEXT NOT NULL,
    access_expires_at TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    -- The absolute end of the session, whatever the activity.
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
