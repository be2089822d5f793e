-- Accounts at external OpenID Connect providers linked to people.
CREATE TABLE external_identities (
    issuer text NOT NULL,
    subject text NOT NULL,
    person_id uuid NOT NULL REFERENCES persons (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_person ON external_identities (person_id);
