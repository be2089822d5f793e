-- What the owner sees of their sessions: a public id (never the cookie),
-- where and with what they signed in.
ALTER TABLE sessions ADD COLUMN public_id uuid;
ALTER TABLE sessions ADD COLUMN user_agent text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN client_address text NOT NULL DEFAULT '';
UPDATE sessions SET public_id = gen_random_uuid() WHERE public_id IS NULL;
ALTER TABLE sessions ALTER COLUMN public_id SET NOT NULL;
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);
