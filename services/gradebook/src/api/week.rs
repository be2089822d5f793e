//! A student's week as the diary shows it, in one call and kept briefly.
//!
//! Families open the diary week far more often than teachers write: the
//! same child's week is asked for again and again within seconds. So the
//! answer is kept for [`WEEK_TTL`] per student and week, and every write
//! this process makes to marks, attendance or work types forgets all kept
//! weeks (a read that began before such a write is never kept). Writes
//! through another replica show within the TTL.

use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate};
use otmetka_platform::Result;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{SchoolId, StudentId};
use otmetka_platform::memo::ReadCache;
use otmetka_platform::time::parse_date;
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;

use super::GradebookApi;
use crate::{convert, store};

/// How long a week is served from memory.
pub const WEEK_TTL: Duration = Duration::from_secs(2);
/// About how many student weeks one replica keeps.
const WEEKS_KEPT: usize = 50_000;

/// Kept weeks, by student and Monday.
pub type WeekCache = ReadCache<(StudentId, NaiveDate), Arc<pb::GetStudentWeekRecordResponse>>;

pub fn week_cache() -> WeekCache {
    ReadCache::new(WEEK_TTL, WEEKS_KEPT)
}

/// Monday of the week holding `date`.
fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

impl GradebookApi {
    pub(super) async fn get_student_week_record(
        &self,
        ctx: CallContext,
        request: pb::GetStudentWeekRecordRequest,
    ) -> Result<pb::GetStudentWeekRecordResponse> {
        let student_id = StudentId::parse("student_id", &request.student_id)?;
        let monday = monday_of(parse_date("date", &request.date)?);
        let place = self
            .student(
                &ctx,
                identity::Action::ReadStudentRecord,
                student_id,
                None,
                None,
            )
            .await?;
        let key = (student_id, monday);
        if let Some(week) = self.weeks.get(&key) {
            return Ok(Arc::unwrap_or_clone(week));
        }
        let ticket = self.weeks.ticket();
        let sunday = monday + Days::new(6);
        let (marks, attendance, work_types) = tokio::try_join!(
            store::student_subject_marks(&self.db, student_id, None, monday, sunday),
            store::student_attendance_between(&self.db, student_id, monday, sunday),
            store::work_type_names(&self.db, SchoolId(place.school_id)),
        )?;
        let work_type_names = work_types
            .into_iter()
            .filter(|(id, _)| marks.iter().any(|mark| mark.work_type_id == Some(*id)))
            .map(|(id, name)| (id.to_string(), name))
            .collect();
        let week = Arc::new(pb::GetStudentWeekRecordResponse {
            week_start_date: monday.to_string(),
            marks: marks.into_iter().map(convert::mark).collect(),
            attendance: attendance.into_iter().map(convert::attendance).collect(),
            work_type_names,
        });
        self.weeks.put(key, week.clone(), ticket);
        Ok(Arc::unwrap_or_clone(week))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_starts_on_monday() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        for offset in 0..7 {
            assert_eq!(monday_of(monday + Days::new(offset)), monday);
        }
        assert_eq!(monday_of(monday - Days::new(1)), monday - Days::new(7));
    }
}
