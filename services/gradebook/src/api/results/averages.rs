//! A student's weighted averages with their explanation, and the what-if:
//! which further marks would reach a wanted one.

use std::collections::{BTreeMap, HashMap};

use otmetka_platform::grpc::CallContext;
use otmetka_platform::grpc::access::StudentPlace;
use otmetka_platform::ids::{PeriodId, SchoolId, StudentId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use uuid::Uuid;

use super::{counted, subject_average};
use crate::api::GradebookApi;
use crate::calc::{self, Candidate};
use crate::calendar::Period;
use crate::model::Mark;
use crate::store;

/// The most further marks a what-if will suggest.
const WHAT_IF_MAX_COUNT: u32 = 20;

impl GradebookApi {
    /// A student the caller may read, and a period of their school.
    async fn student_period(
        &self,
        ctx: &CallContext,
        student_id: &str,
        period_id: &str,
    ) -> Result<(StudentId, StudentPlace, Period)> {
        let student_id = StudentId::parse("student_id", student_id)?;
        let period_id = PeriodId::parse("reporting_period_id", period_id)?;
        let place = self
            .student(
                ctx,
                identity::Action::ReadStudentRecord,
                student_id,
                None,
                None,
            )
            .await?;
        let period = self
            .calendar
            .period(SchoolId(place.school_id), period_id)
            .await?;
        Ok((student_id, place, period))
    }

    pub(in crate::api) async fn get_student_averages(
        &self,
        ctx: CallContext,
        request: pb::GetStudentAveragesRequest,
    ) -> Result<pb::GetStudentAveragesResponse> {
        let (student_id, place, period) = self
            .student_period(&ctx, &request.student_id, &request.reporting_period_id)
            .await?;
        let marks =
            store::student_subject_marks(&self.db, student_id, None, period.start, period.end)
                .await?;
        let mut by_subject: BTreeMap<SubjectId, Vec<&Mark>> = BTreeMap::new();
        for mark in &marks {
            by_subject.entry(mark.subject_id).or_default().push(mark);
        }
        let mut rules = HashMap::new();
        let mut averages = Vec::new();
        for (subject_id, marks) in by_subject {
            let school_id = SchoolId(place.school_id);
            let (scale, policy) = self.rules(school_id, subject_id, &mut rules).await?;
            let result = calc::average(&counted(&marks, &scale), &policy);
            averages.push(subject_average(student_id, subject_id, period.id, result));
        }
        Ok(pb::GetStudentAveragesResponse { averages })
    }

    pub(in crate::api) async fn compute_what_if(
        &self,
        ctx: CallContext,
        request: pb::ComputeWhatIfRequest,
    ) -> Result<pb::ComputeWhatIfResponse> {
        let subject_id = SubjectId::parse("subject_id", &request.subject_id)?;
        let (student_id, place, period) = self
            .student_period(&ctx, &request.student_id, &request.reporting_period_id)
            .await?;
        let marks = store::student_subject_marks(
            &self.db,
            student_id,
            Some(subject_id),
            period.start,
            period.end,
        )
        .await?;
        let (scale, policy) = self
            .rules(SchoolId(place.school_id), subject_id, &mut HashMap::new())
            .await?;
        let marks: Vec<&Mark> = marks.iter().collect();
        let candidates: Vec<Candidate> = scale
            .candidates()
            .into_iter()
            .map(|(value, points)| Candidate { value, points })
            .collect();
        let weights = self.weights(place.school_id).await?;
        let answer = calc::what_if(
            &counted(&marks, &scale),
            &policy,
            request.target_mark.trim(),
            &candidates,
            &weights,
            WHAT_IF_MAX_COUNT,
        )
        .map_err(|error| match error {
            calc::WhatIfError::UnknownTarget(_) => Error::invalid("target_mark", error.to_string()),
            calc::WhatIfError::InvalidPolicy(_) => Error::Internal(anyhow::anyhow!("{error}")),
        })?;
        Ok(pb::ComputeWhatIfResponse {
            marks_needed: answer
                .options
                .into_iter()
                .map(|option| pb::HypotheticalMark {
                    value: option.value,
                    weight: i32::try_from(option.weight).unwrap_or(i32::MAX),
                    count: i32::try_from(option.count).unwrap_or(i32::MAX),
                })
                .collect(),
            reachable: answer.reachable,
            explanation: answer.explanation,
        })
    }

    /// The weights a further mark could have: 1 and the school's work types'.
    async fn weights(&self, school_id: Uuid) -> Result<Vec<u32>> {
        let page = Page::parse(1000, "")?;
        let mut weights: Vec<u32> = store::list_work_types(&self.db, school_id, &page)
            .await?
            .iter()
            .filter_map(|w| u32::try_from(w.weight).ok())
            .collect();
        weights.push(1);
        weights.sort_unstable();
        weights.dedup();
        Ok(weights)
    }
}
