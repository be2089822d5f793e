-- Where to send the browser to sign out at the identity provider too
-- (RP-initiated logout), for sessions begun there.
ALTER TABLE sessions ADD COLUMN provider_logout_url text;
