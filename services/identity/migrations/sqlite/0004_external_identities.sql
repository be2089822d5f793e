-- Accounts at external OpenID Connect providers linked to people.
CREATE TABLE external_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    person_id BLOB NOT NULL REFERENCES persons (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_person ON external_identities (person_id);
