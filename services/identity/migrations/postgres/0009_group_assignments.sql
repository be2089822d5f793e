-- A teacher may teach one subject to several groups of a class (both halves
-- of a class in computer science): an assignment is unique per group, and
-- the whole class counts as one more "group".
ALTER TABLE teaching_assignments DROP CONSTRAINT teaching_assignments_teacher_id_class_id_subject_id_key;
ALTER TABLE teaching_assignments
    ADD CONSTRAINT teaching_assignments_audience UNIQUE NULLS NOT DISTINCT (teacher_id, class_id, subject_id, group_id);
