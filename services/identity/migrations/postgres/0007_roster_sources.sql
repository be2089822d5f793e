-- The ids a school's roster files give things (OneRoster `sourcedId`s),
-- mapped to platform ids, so that reloading a file changes nothing.
CREATE TABLE roster_sources (
    school_id uuid NOT NULL REFERENCES schools (id),
    kind text NOT NULL CHECK (kind IN ('user', 'class')),
    source_id text NOT NULL,
    platform_id uuid NOT NULL,
    PRIMARY KEY (school_id, kind, source_id)
);
