-- A class's final marks of a period in a subject, for the journal's
-- column of finals.
CREATE INDEX final_marks_by_period ON final_marks (reporting_period_id, subject_id);
