-- OpenID Connect sign-ins in flight: one row from the redirect to the
-- provider until its callback, taken once (state replay finds nothing).
CREATE TABLE oidc_logins (
    -- SHA-256 of the `state` value; the browser holds the state in a cookie too.
    state_hash bytea PRIMARY KEY,
    provider text NOT NULL,
    pkce_verifier text NOT NULL,
    nonce text NOT NULL,
    return_to text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- A verified external identity with no linked person yet, waiting for the
-- access code that makes it a guardian.
CREATE TABLE oidc_pending_links (
    id_hash bytea PRIMARY KEY,
    issuer text NOT NULL,
    subject text NOT NULL,
    family_name text NOT NULL,
    given_name text NOT NULL,
    expires_at timestamptz NOT NULL
);
