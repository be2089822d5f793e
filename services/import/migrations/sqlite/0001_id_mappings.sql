-- A vendor's own ids for platform entities, one-to-one within a vendor,
-- school and entity type. school_id is the distribution key.
CREATE TABLE id_mappings (
    vendor_id BLOB NOT NULL,
    school_id BLOB NOT NULL,
    entity_type TEXT NOT NULL,
    external_id TEXT NOT NULL,
    platform_id BLOB NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (vendor_id, school_id, entity_type, external_id),
    UNIQUE (vendor_id, school_id, entity_type, platform_id)
);
