-- Whether a notification counts in the app (its person may mute a kind:
-- it is still listed, read already) and when a device confirmed it.
ALTER TABLE notifications ADD COLUMN in_app INTEGER NOT NULL DEFAULT 1;
ALTER TABLE notifications ADD COLUMN delivered_at TEXT;

-- A person's quiet hours and digest time ("HH:MM", the school's
-- timezone). No row: the defaults.
CREATE TABLE notification_preferences (
    person_id BLOB PRIMARY KEY,
    quiet_start TEXT,
    quiet_end TEXT,
    digest_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A person's choices per kind, for one child or (the nil id) anyone.
CREATE TABLE notification_rules (
    person_id BLOB NOT NULL,
    student_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    in_app INTEGER NOT NULL,
    email TEXT NOT NULL,
    PRIMARY KEY (person_id, student_id, kind)
);

-- A notification to be e-mailed, stored with it in one transaction, so
-- none is forgotten. The mailer moves it from pending to sent, failed or
-- skipped; due_at is the next attempt (after quiet hours, at the digest
-- time, after a backoff). message_id is fixed before the first attempt:
-- a send repeated after a crash carries the same one.
CREATE TABLE email_deliveries (
    notification_id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL,
    school_id BLOB NOT NULL,
    mode TEXT NOT NULL,
    state TEXT NOT NULL,
    -- False until the mailer has placed it after quiet hours or at the
    -- digest time, which need the school's timezone.
    planned INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    last_attempt_at TEXT,
    sent_at TEXT,
    last_error TEXT NOT NULL,
    message_id TEXT
);
CREATE INDEX email_deliveries_due ON email_deliveries (due_at) WHERE state = 'pending';
CREATE INDEX email_deliveries_person ON email_deliveries (person_id, due_at) WHERE state = 'pending';
