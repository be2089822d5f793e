//! Final marks of reporting periods, set by the teacher beside the
//! suggested one.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PeriodId, SchoolId, StudentId, SubjectId};
use otmetka_platform::outbox::{Change, ChangeKind};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use prost::Message;

use crate::api::{GradebookApi, REASON, reason};
use crate::convert;
use crate::model::{FinalMark, FinalMarkId};
use crate::store;

pub const FINAL_MARK: &str = "final_mark";

impl GradebookApi {
    pub(in crate::api) async fn set_final_mark(
        &self,
        ctx: CallContext,
        request: pb::SetFinalMarkRequest,
    ) -> Result<pb::SetFinalMarkResponse> {
        let student_id = StudentId::parse("student_id", &request.student_id)?;
        let subject_id = SubjectId::parse("subject_id", &request.subject_id)?;
        let period_id = PeriodId::parse("reporting_period_id", &request.reporting_period_id)?;
        let place = self
            .student(
                &ctx,
                identity::Action::WriteMark,
                student_id,
                Some(subject_id),
                None,
            )
            .await?;
        let author_id = ctx.person_id()?;
        let school_id = SchoolId(place.school_id);
        let period = self.calendar.period(school_id, period_id).await?;
        let scale = store::scale_for(&self.db, school_id, subject_id).await?;
        let value = scale
            .grade(&request.value)
            .map_err(|description| Error::invalid("value", description))?
            .value;
        let earlier = store::final_mark(&self.db, student_id, subject_id, period_id).await?;
        let why = match &earlier {
            Some(earlier) if earlier.value == value => {
                return Ok(pb::SetFinalMarkResponse {
                    final_mark: Some(convert::final_mark(earlier.clone())),
                });
            }
            // Replacing a final mark needs a reason; the first one does not.
            Some(_) => reason("reason", &request.reason)?,
            None => REASON.parse("reason", &request.reason)?.to_owned(),
        };
        self.ensure_open(&ctx, &place, subject_id, period.end)
            .await?;
        let policy = self.current_policy(place.school_id, scale.kind).await?;
        let mark = FinalMark {
            id: earlier
                .as_ref()
                .map_or_else(FinalMarkId::generate, |earlier| earlier.id),
            school_id,
            student_id,
            subject_id,
            reporting_period_id: period_id,
            value,
            policy_version: policy.version,
            author_id,
            reason: why,
            updated_at: self.clock.now(),
        };
        let kind = if earlier.is_some() {
            ChangeKind::Updated
        } else {
            ChangeKind::Created
        };
        let payload = convert::final_mark(mark.clone()).encode_to_vec();
        let change = Change::new(
            mark.school_id.uuid(),
            FINAL_MARK,
            mark.id.uuid(),
            kind,
            Some(payload),
        );
        store::put_final_mark(&self.db, &mark, &change).await?;
        tracing::info!(final_mark_id = %mark.id, %student_id, %subject_id, "final mark set");
        Ok(pb::SetFinalMarkResponse {
            final_mark: Some(convert::final_mark(mark)),
        })
    }

    pub(in crate::api) async fn list_final_marks(
        &self,
        ctx: CallContext,
        request: pb::ListFinalMarksRequest,
    ) -> Result<pb::ListFinalMarksResponse> {
        let student_id = StudentId::parse("student_id", &request.student_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        self.student(
            &ctx,
            identity::Action::ReadStudentRecord,
            student_id,
            None,
            None,
        )
        .await?;
        let mut marks = store::student_final_marks(&self.db, student_id, &page).await?;
        let next_page_token = page.finish(&mut marks, |m| m.id.to_string());
        Ok(pb::ListFinalMarksResponse {
            final_marks: marks.into_iter().map(convert::final_mark).collect(),
            next_page_token,
        })
    }
}
