-- A school-issued password must be replaced before anything else is done.
ALTER TABLE sessions ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;
