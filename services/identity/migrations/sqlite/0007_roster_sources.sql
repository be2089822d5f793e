-- The ids a school's roster files give things (OneRoster `sourcedId`s),
-- mapped to platform ids, so that reloading a file changes nothing.
CREATE TABLE roster_sources (
    school_id BLOB NOT NULL REFERENCES schools (id),
    kind TEXT NOT NULL CHECK (kind IN ('user', 'class')),
    source_id TEXT NOT NULL,
    platform_id BLOB NOT NULL,
    PRIMARY KEY (school_id, kind, source_id)
);
