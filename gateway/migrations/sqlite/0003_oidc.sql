-- OpenID Connect sign-ins in flight: one row from the redirect to the
-- provider until its callback, taken once (state replay finds nothing).
CREATE TABLE oidc_logins (
    -- SHA-256 of the `state` value; the browser holds the state in a cookie too.
    state_hash BLOB PRIMARY KEY,
    provider TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    return_to TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- A verified external identity with no linked person yet, waiting for the
-- access code that makes it a guardian.
CREATE TABLE oidc_pending_links (
    id_hash BLOB PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
