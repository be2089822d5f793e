-- A school-issued password must be replaced before anything else is done.
ALTER TABLE sessions ADD COLUMN password_change_required boolean NOT NULL DEFAULT false;
