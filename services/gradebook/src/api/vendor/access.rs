//! Whether the vendor may write what a record names: the school's grant,
//! asked of identity.

use otmetka_platform::Error;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::StudentPlace;
use otmetka_platform::ids::{StudentId, SubjectId};
use otmetka_platform::refusal::RecordRefusal;
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use uuid::Uuid;

use super::record::{Batch, RecordKind, parse_mark};
use super::refusal::{Failure, Refusal};
use crate::api::GradebookApi;

/// Access questions of a batch asked of identity at once.
const ACCESS_QUESTIONS_AT_ONCE: usize = 8;

impl GradebookApi {
    /// Asks identity about the batch's new marks' students at once, a few
    /// questions at a time, rather than one after another as the records
    /// are decided: the allowances are remembered, so the records then find
    /// them. A refusal is not remembered; its record asks again and answers
    /// NOT_GRANTED.
    pub(super) async fn ask_access_ahead(
        &self,
        ctx: &CallContext,
        batch: Batch,
        records: &[pb::VendorRecord],
    ) {
        use futures_util::StreamExt;
        let mut questions: Vec<(StudentId, SubjectId, chrono::NaiveDate)> = records
            .iter()
            .filter(|r| !r.delete && RecordKind::of(r.record_type) == Some(RecordKind::Mark))
            .filter_map(|r| r.mark.as_ref())
            .filter_map(|mark| parse_mark(mark).ok())
            .map(|wanted| (wanted.student_id, wanted.subject_id, wanted.lesson_date))
            .collect();
        questions.sort_unstable();
        questions.dedup();
        futures_util::stream::iter(questions)
            .for_each_concurrent(
                ACCESS_QUESTIONS_AT_ONCE,
                |(student, subject, date)| async move {
                    let _ = self
                        .vendor_student(ctx, batch, RecordKind::Mark, student, subject, date)
                        .await;
                },
            )
            .await;
    }

    /// Allows the vendor to write the student's marks (or attendance) in the
    /// subject on the day, in the batch's school. Refusals and unknown
    /// students read alike.
    pub(super) async fn vendor_student(
        &self,
        ctx: &CallContext,
        batch: Batch,
        kind: RecordKind,
        student_id: StudentId,
        subject_id: SubjectId,
        date: chrono::NaiveDate,
    ) -> Result<StudentPlace, Failure> {
        let place = match self
            .student(ctx, kind.action(), student_id, Some(subject_id), Some(date))
            .await
        {
            Ok(place) => place,
            Err(Error::NotFound(_) | Error::InvalidArgument(_)) => {
                return Err(Refusal::not_granted(kind).into());
            }
            Err(other) => return Err(other.into()),
        };
        if place.school_id != batch.school_id {
            return Err(Refusal::new(
                RecordRefusal::UnresolvedReference,
                kind.student_field(),
                "the student is not in this school",
            )
            .into());
        }
        Ok(place)
    }

    /// Allows a deletion that names no student: the vendor's token must
    /// carry the kind's write scope and the school must have granted it.
    pub(super) async fn vendor_school(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        kind: RecordKind,
    ) -> Result<(), Failure> {
        if !ctx.principal.has_scope(kind.scope()) {
            return Err(Refusal::not_granted(kind).into());
        }
        match self
            .school(ctx, identity::Action::ReadSchool, school_id)
            .await
        {
            Ok(()) => Ok(()),
            Err(Error::NotFound(_) | Error::InvalidArgument(_)) => {
                Err(Refusal::not_granted(kind).into())
            }
            Err(other) => Err(other.into()),
        }
    }
}
