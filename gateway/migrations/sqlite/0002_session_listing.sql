-- What the owner sees of their sessions: a public id (never the cookie),
-- where and with what they signed in. Sessions from before have no public
-- id and simply end (SQLite cannot add a NOT NULL column without a default).
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN public_id BLOB NOT NULL DEFAULT x'';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);
