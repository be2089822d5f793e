-- A sign-in flow started by a signed-in person to link their external account.
ALTER TABLE oidc_logins ADD COLUMN link_person uuid;
