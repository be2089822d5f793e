//! What the marks add up to: calculation policies, weighted averages with
//! their explanation, the what-if, final marks, the teacher's journal grid
//! and its students picked by standing. Averages, suggestions and what-ifs
//! all come from `calc`.

mod averages;
mod finals;
mod journal;
mod journal_students;
mod policies;

pub use finals::FINAL_MARK;

use std::collections::HashMap;

use otmetka_platform::Result;
use otmetka_platform::ids::{PeriodId, SchoolId, StudentId, SubjectId};
use otmetka_proto::gradebook::v1 as pb;
use uuid::Uuid;

use crate::api::GradebookApi;
use crate::calc::{self, CountedMark, Policy};
use crate::model::{Mark, MarkStatus};
use crate::scale::Scale;
use crate::store;

/// The marks that count in an average on `scale`: graded on it, with points.
fn counted(marks: &[&Mark], scale: &Scale) -> Vec<CountedMark> {
    marks
        .iter()
        .filter(|mark| mark.status == MarkStatus::Graded && mark.scale == scale.kind)
        .filter_map(|mark| {
            let points = scale.grade(&mark.value).ok()?.points?;
            Some(CountedMark {
                id: mark.id.uuid(),
                value: mark.value.clone(),
                points,
                weight: u32::try_from(mark.weight).unwrap_or(0),
            })
        })
        .collect()
}

fn subject_average(
    student_id: StudentId,
    subject_id: SubjectId,
    period_id: PeriodId,
    result: calc::Average,
) -> pb::SubjectAverage {
    pb::SubjectAverage {
        student_id: student_id.to_string(),
        subject_id: subject_id.to_string(),
        reporting_period_id: period_id.to_string(),
        average: result.rounded.unwrap_or(0.0),
        suggested_mark: result.suggested.unwrap_or_default(),
        mark_ids: result.mark_ids.iter().map(Uuid::to_string).collect(),
        explanation: result.explanation,
        policy_version: result.policy_version,
    }
}

impl GradebookApi {
    /// A subject's scale and policy, looked up once per subject.
    async fn rules(
        &self,
        school_id: SchoolId,
        subject_id: SubjectId,
        cache: &mut HashMap<SubjectId, (Scale, Policy)>,
    ) -> Result<(Scale, Policy)> {
        if let Some(rules) = cache.get(&subject_id) {
            return Ok(rules.clone());
        }
        let scale = store::scale_for(&self.db, school_id, subject_id).await?;
        let policy = self.current_policy(school_id.uuid(), scale.kind).await?;
        cache.insert(subject_id, (scale.clone(), policy.clone()));
        Ok((scale, policy))
    }
}
