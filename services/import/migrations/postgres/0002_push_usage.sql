-- Records each vendor pushed per day (UTC): the daily quota, counted over
-- all replicas.
CREATE TABLE push_usage (
    vendor_id uuid NOT NULL,
    day date NOT NULL,
    records bigint NOT NULL,
    PRIMARY KEY (vendor_id, day)
);
