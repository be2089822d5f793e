-- The outbox takes the platform's shared shape (otmetka_platform::outbox).
-- SQLite runs one write transaction at a time, so sequence order stays
-- commit order and no transaction id is needed.
--
-- The event id and the actor have no column there; they move into the
-- payload, which is the contract's Change message. Protobuf merges
-- concatenated messages, so appending field 1 (id) and field 6 (actor_id),
-- each a 36-byte UUID string (tag 0x0a / 0x32, length 0x24), moves them.
CREATE TABLE changes_shared (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BLOB NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    -- The contract's Change message (event id, actor, the resource).
    payload BLOB,
    created_at TEXT NOT NULL
);
INSERT INTO changes_shared (seq, school_id, resource_type, resource_id, kind, payload, created_at)
SELECT seq, school_id, resource_kind, resource_id, change_type,
       CAST(resource
            || X'0A24'
            || lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-'
                     || substr(hex(id), 13, 4) || '-' || substr(hex(id), 17, 4) || '-'
                     || substr(hex(id), 21, 12))
            || X'3224'
            || lower(substr(hex(actor_id), 1, 8) || '-' || substr(hex(actor_id), 9, 4) || '-'
                     || substr(hex(actor_id), 13, 4) || '-' || substr(hex(actor_id), 17, 4) || '-'
                     || substr(hex(actor_id), 21, 12))
            AS BLOB),
       committed_at
FROM changes ORDER BY seq;
DROP TABLE changes;
ALTER TABLE changes_shared RENAME TO changes;
CREATE INDEX changes_school ON changes (school_id, seq);
