-- Records each vendor pushed per day (UTC): the daily quota, counted over
-- all replicas.
CREATE TABLE push_usage (
    vendor_id BLOB NOT NULL,
    day TEXT NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (vendor_id, day)
) WITHOUT ROWID;
