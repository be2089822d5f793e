//! A journal's students picked by their standing: whom a teacher writes to.

use std::collections::HashSet;

use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::StudentId;
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::schedule::v1 as schedule;

use super::journal::{Journal, JournalKey};
use crate::api::GradebookApi;
use crate::cohort::{Filter, Standing};

impl GradebookApi {
    /// The students of a journal whose average or absences match a filter,
    /// read as GetJournal reads the journal and under the same access.
    pub(in crate::api) async fn find_journal_students(
        &self,
        ctx: CallContext,
        request: pb::FindJournalStudentsRequest,
    ) -> Result<pb::FindJournalStudentsResponse> {
        let key = JournalKey::parse(
            &request.class_id,
            &request.group_id,
            &request.subject_id,
            &request.reporting_period_id,
        )?;
        let filter = Filter::read(
            &request.average_below,
            request.absences_at_least,
            request.match_all,
        )?;
        let journal = self.journal(&ctx, &key).await?;
        // The scale is the caller's to know only once they may read the journal.
        filter.check_scale(journal.scale.points_range())?;
        let today = self.clock.today_utc().to_string();
        let held: HashSet<&str> = journal
            .lessons
            .iter()
            .filter(|lesson| {
                lesson.date <= today && lesson.status() != schedule::LessonStatus::Cancelled
            })
            .map(|lesson| lesson.id.as_str())
            .collect();
        let students = journal
            .students
            .iter()
            .map(|student| standing(&journal, StudentId(*student), &held))
            .filter(|(standing, _)| filter.matches(*standing))
            .map(|(_, reply)| reply)
            .collect();
        Ok(pb::FindJournalStudentsResponse { students })
    }
}

/// A student's figures, and as the reply gives them: the average as the
/// grid shows it, and the `held` lessons they missed.
fn standing(
    journal: &Journal,
    student_id: StudentId,
    held: &HashSet<&str>,
) -> (Standing, pb::JournalStudentStanding) {
    let average = journal.average(&journal.marks_of(student_id)).rounded;
    let absences = journal
        .attendance
        .iter()
        .filter(|record| record.student_id == student_id && record.kind.missed())
        .filter(|record| held.contains(record.lesson_id.to_string().as_str()))
        .count();
    let absences = u32::try_from(absences).unwrap_or(u32::MAX);
    let reply = pb::JournalStudentStanding {
        student_id: student_id.to_string(),
        average: average.unwrap_or(0.0),
        has_average: average.is_some(),
        absences: i32::try_from(absences).unwrap_or(i32::MAX),
        lessons: i32::try_from(held.len()).unwrap_or(i32::MAX),
    };
    (Standing { average, absences }, reply)
}
