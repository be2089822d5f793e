CREATE TABLE clients (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('vendor', 'service')),
    -- SHA-256 of the secret: secrets are 256 random bits, so a fast hash is enough.
    secret_hash BLOB NOT NULL,
    -- Space-separated.
    allowed_scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE vendor_grants (
    client_id BLOB NOT NULL REFERENCES clients (id),
    school_id BLOB NOT NULL REFERENCES schools (id),
    granted_by BLOB NOT NULL REFERENCES persons (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (client_id, school_id)
);
CREATE INDEX vendor_grants_school ON vendor_grants (school_id);
