-- Where notifications are e-mailed: set by the school, or from a city
-- identity provider's verified claim at sign-in. NULL when there is none.
ALTER TABLE persons ADD COLUMN email text;
