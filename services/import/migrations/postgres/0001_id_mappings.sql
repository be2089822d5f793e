-- A vendor's own ids for platform entities, one-to-one within a vendor,
-- school and entity type. school_id is the distribution key.
CREATE TABLE id_mappings (
    vendor_id uuid NOT NULL,
    school_id uuid NOT NULL,
    entity_type text NOT NULL,
    external_id text NOT NULL,
    platform_id uuid NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (vendor_id, school_id, entity_type, external_id),
    UNIQUE (vendor_id, school_id, entity_type, platform_id)
);
