-- A new signing key is published (in the JWKS) before it signs anything,
-- so that every service has it by the time tokens carry its kid.
ALTER TABLE signing_keys ADD COLUMN activates_at TEXT;
