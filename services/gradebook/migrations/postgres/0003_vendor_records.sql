-- The vendor client whose push posted a mark; NULL for a teacher's.
ALTER TABLE marks ADD COLUMN source_vendor_id uuid;

-- Each vendor record key's state, written in the same transaction as the
-- mark it changes, so a receipt is never given for a change not stored and
-- a replayed record is recognised after any crash.
CREATE TABLE vendor_records (
    vendor_id uuid NOT NULL,
    school_id uuid NOT NULL,
    record_type text NOT NULL,
    vendor_record_id text NOT NULL,
    revision bigint NOT NULL,
    -- SHA-256 of the record's content: the same revision sent again with
    -- other content is a conflict.
    content_hash bytea NOT NULL,
    -- NULL for the deletion of a key that never had a mark.
    mark_id uuid,
    -- The mark's revision this record left; another one means a teacher
    -- changed the mark since.
    mark_revision integer,
    deleted boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (vendor_id, school_id, record_type, vendor_record_id)
);

-- Whether a vendor's update of its mark wins over a teacher's change of it.
ALTER TABLE journal_settings ADD COLUMN vendors_override_teachers BOOLEAN NOT NULL DEFAULT FALSE;
