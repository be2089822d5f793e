-- A vendor record key stands for a mark or, for attendance keys, for the
-- student's attendance record at a lesson.
ALTER TABLE vendor_records RENAME COLUMN mark_id TO platform_id;
