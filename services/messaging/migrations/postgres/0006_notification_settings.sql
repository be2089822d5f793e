-- Whether a notification counts in the app (its person may mute a kind:
-- it is still listed, read already) and when a device confirmed it.
ALTER TABLE notifications ADD COLUMN in_app boolean NOT NULL DEFAULT true;
ALTER TABLE notifications ADD COLUMN delivered_at timestamptz;

-- A person's quiet hours and digest time ("HH:MM", the school's
-- timezone). No row: the defaults.
CREATE TABLE notification_preferences (
    person_id uuid PRIMARY KEY,
    quiet_start text,
    quiet_end text,
    digest_at text NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A person's choices per kind, for one child or (the nil id) anyone.
CREATE TABLE notification_rules (
    person_id uuid NOT NULL,
    student_id uuid NOT NULL,
    kind text NOT NULL,
    in_app boolean NOT NULL,
    email text NOT NULL,
    PRIMARY KEY (person_id, student_id, kind)
);

-- A notification to be e-mailed, stored with it in one transaction, so
-- none is forgotten. The mailer moves it from pending to sent, failed or
-- skipped; due_at is the next attempt (after quiet hours, at the digest
-- time, after a backoff). message_id is fixed before the first attempt:
-- a send repeated after a crash carries the same one.
CREATE TABLE email_deliveries (
    notification_id uuid PRIMARY KEY,
    person_id uuid NOT NULL,
    school_id uuid NOT NULL,
    mode text NOT NULL,
    state text NOT NULL,
    -- False until the mailer has placed it after quiet hours or at the
    -- digest time, which need the school's timezone.
    planned boolean NOT NULL,
    attempts integer NOT NULL,
    due_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    sent_at timestamptz,
    last_error text NOT NULL,
    message_id text
);
CREATE INDEX email_deliveries_due ON email_deliveries (due_at) WHERE state = 'pending';
CREATE INDEX email_deliveries_person ON email_deliveries (person_id, due_at) WHERE state = 'pending';
