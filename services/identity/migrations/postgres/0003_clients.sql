CREATE TABLE clients (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('vendor', 'service')),
    -- SHA-256 of the secret: secrets are 256 random bits, so a fast hash is enough.
    secret_hash bytea NOT NULL,
    -- Space-separated.
    allowed_scopes text NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE TABLE vendor_grants (
    client_id uuid NOT NULL REFERENCES clients (id),
    school_id uuid NOT NULL REFERENCES schools (id),
    granted_by uuid NOT NULL REFERENCES persons (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (client_id, school_id)
);
CREATE INDEX vendor_grants_school ON vendor_grants (school_id);
