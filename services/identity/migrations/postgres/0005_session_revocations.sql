-- People whose sessions must end now (they were disabled); the gateway
-- reads these and ends their sessions started before `created_at`.
CREATE TABLE session_revocations (
    id uuid PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES persons (id),
    created_at timestamptz NOT NULL
);
