-- The provider's verified e-mail of an account waiting for its access code,
-- to become the guardian's contact e-mail; empty when it vouched for none.
ALTER TABLE oidc_pending_links ADD COLUMN email text NOT NULL DEFAULT '';
