-- Who made a mark's latest revision (a person, or a vendor client): the
-- change feed tells vendors which changes were theirs and which a
-- teacher's.
ALTER TABLE marks ADD COLUMN revised_by uuid;
UPDATE marks SET revised_by = (
    SELECT r.author_id FROM mark_revisions r
    WHERE r.mark_id = marks.id AND r.revision = marks.revision
);
UPDATE marks SET revised_by = author_id WHERE revised_by IS NULL;
ALTER TABLE marks ALTER COLUMN revised_by SET NOT NULL;

-- The feed finds the vendors' keys of the marks and attendance it lists.
CREATE INDEX vendor_records_by_platform_id ON vendor_records (school_id, platform_id);
