//! Attendance per lesson: absent, ill, excused, late (with minutes).

use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, LessonId, SchoolId, StudentId, SubjectId};
use otmetka_platform::outbox::{Change, ChangeKind};
use otmetka_platform::paging::Page;
use otmetka_platform::time::{optional_date, parse_date};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use prost::Message;

use super::{GradebookApi, REASON};
use crate::convert;
use crate::model::{Attendance, AttendanceId, AttendanceKind};
use crate::store;

pub const ATTENDANCE: &str = "attendance";
pub(super) const MAX_LATE_MINUTES: i32 = 240;

impl GradebookApi {
    pub(super) async fn set_attendance(
        &self,
        ctx: CallContext,
        request: pb::SetAttendanceRequest,
    ) -> Result<pb::SetAttendanceResponse> {
        let wanted = request
            .record
            .ok_or_else(|| Error::invalid("record", "is required"))?;
        let mut violations = Violations::new();
        let student_id = violations.check(
            "record.student_id",
            StudentId::parse("student_id", &wanted.student_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        let lesson_id = violations.check(
            "record.lesson_id",
            LessonId::parse("lesson_id", &wanted.lesson_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        let subject_id = violations.check(
            "record.subject_id",
            SubjectId::parse("subject_id", &wanted.subject_id)
                .map_err(|_| "must be an id (UUID)".into()),
        );
        let lesson_date = violations.check(
            "record.lesson_date",
            parse_date("lesson_date", &wanted.lesson_date)
                .map_err(|_| "must be a date as YYYY-MM-DD".into()),
        );
        let kind = convert::attendance_kind_from(wanted.kind);
        match kind {
            None => violations.add("record.kind", "is required"),
            Some(AttendanceKind::Late)
                if !(1..=MAX_LATE_MINUTES).contains(&wanted.late_minutes) =>
            {
                violations.add(
                    "record.late_minutes",
                    format!("must be 1–{MAX_LATE_MINUTES} for a late arrival"),
                );
            }
            Some(AttendanceKind::Late) => {}
            Some(_) if wanted.late_minutes != 0 => {
                violations.add("record.late_minutes", "is only for a late arrival");
            }
            Some(_) => {}
        }
        REASON.check("record.reason", &wanted.reason, &mut violations);
        violations.into_result()?;
        let (Some(student_id), Some(lesson_id), Some(subject_id), Some(lesson_date), Some(kind)) =
            (student_id, lesson_id, subject_id, lesson_date, kind)
        else {
            unreachable!("violations were reported above");
        };
        let place = self
            .student(
                &ctx,
                identity::Action::WriteAttendance,
                student_id,
                Some(subject_id),
                Some(lesson_date),
            )
            .await?;
        let lesson = self
            .lesson_of(&place, lesson_id)
            .await
            .map_err(|error| match error {
                Error::NotFound(_) => {
                    Error::invalid("record.lesson_id", "is not a lesson this student attends")
                }
                other => other,
            })?;
        let mut violations = Violations::new();
        if lesson.subject_id != subject_id.to_string() {
            violations.add("record.subject_id", "must be the lesson's subject");
        }
        if lesson.date != lesson_date.to_string() {
            violations.add(
                "record.lesson_date",
                format!("must be the lesson's date, {}", lesson.date),
            );
        }
        violations.into_result()?;
        self.ensure_open(&ctx, &place, subject_id, lesson_date)
            .await?;
        let earlier = store::attendance_at(&self.db, student_id, lesson_id).await?;
        let record = Attendance {
            id: earlier
                .as_ref()
                .map_or_else(AttendanceId::generate, |earlier| earlier.id),
            school_id: SchoolId(place.school_id),
            student_id,
            class_id: place.class_id.map(ClassId),
            lesson_id,
            subject_id,
            lesson_date,
            kind,
            late_minutes: wanted.late_minutes,
            reason: wanted.reason.trim().to_owned(),
            author_id: ctx.person_id()?,
            updated_at: self.clock.now(),
        };
        let change_kind = if earlier.is_some() {
            ChangeKind::Updated
        } else {
            ChangeKind::Created
        };
        let payload = convert::attendance(record.clone()).encode_to_vec();
        let change = Change::new(
            record.school_id.uuid(),
            ATTENDANCE,
            record.id.uuid(),
            change_kind,
            Some(payload),
        );
        store::put_attendance(&self.db, &record, &change).await?;
        Ok(pb::SetAttendanceResponse {
            record: Some(convert::attendance(record)),
        })
    }

    pub(super) async fn list_student_attendance(
        &self,
        ctx: CallContext,
        request: pb::ListStudentAttendanceRequest,
    ) -> Result<pb::ListStudentAttendanceResponse> {
        let student_id = StudentId::parse("student_id", &request.student_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let from = optional_date("from_date", &request.from_date)?;
        let to = optional_date("to_date", &request.to_date)?;
        self.student(
            &ctx,
            identity::Action::ReadStudentRecord,
            student_id,
            None,
            None,
        )
        .await?;
        let mut records = store::student_attendance(&self.db, student_id, from, to, &page).await?;
        let next_page_token = page.finish(&mut records, |r| format!("{}\0{}", r.lesson_date, r.id));
        Ok(pb::ListStudentAttendanceResponse {
            records: records.into_iter().map(convert::attendance).collect(),
            next_page_token,
        })
    }
}
