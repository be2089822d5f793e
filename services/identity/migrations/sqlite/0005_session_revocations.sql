-- People whose sessions must end now (they were disabled); the gateway
-- reads these and ends their sessions started before `created_at`.
CREATE TABLE session_revocations (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons (id),
    created_at TEXT NOT NULL
);
