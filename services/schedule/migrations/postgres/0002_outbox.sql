-- The outbox takes the platform's shared shape (otmetka_platform::outbox),
-- so the feed is read in commit order without a lock: rows carry their
-- transaction id, and a reader hands out only rows of transactions older
-- than every running one.
--
-- The event id and the actor have no column there; they move into the
-- payload, which is the contract's Change message. Protobuf merges
-- concatenated messages, so appending field 1 (id) and field 6 (actor_id),
-- each a 36-byte UUID string (tag 0x0a / 0x32, length 0x24), moves them.
ALTER TABLE changes RENAME COLUMN change_type TO kind;
ALTER TABLE changes RENAME COLUMN resource_kind TO resource_type;
ALTER TABLE changes RENAME COLUMN committed_at TO created_at;
ALTER TABLE changes RENAME COLUMN resource TO payload;
ALTER TABLE changes ALTER COLUMN payload DROP NOT NULL;
UPDATE changes
SET payload = payload
    || '\x0a24'::bytea || convert_to(id::text, 'UTF8')
    || '\x3224'::bytea || convert_to(actor_id::text, 'UTF8');
ALTER TABLE changes DROP COLUMN id;
ALTER TABLE changes DROP COLUMN actor_id;
-- Rows written before this migration share its transaction id and keep
-- their sequence order.
ALTER TABLE changes ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
DROP INDEX changes_school;
CREATE INDEX changes_order ON changes (txid, seq);
CREATE INDEX changes_school ON changes (school_id, txid, seq);
