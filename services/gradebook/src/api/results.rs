//! What the marks add up to: calculation policies, weighted averages with
//! their explanation, the what-if, final marks, and the teacher's journal
//! grid. Averages, suggestions and what-ifs all come from `calc`.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::outbox::{Change, ChangeKind};
use otmetka_platform::paging::Page;
use otmetka_platform::time::{optional_id, parse_id, to_timestamp};
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;
use prost::Message;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{GradebookApi, reason};
use crate::calc::{self, Candidate, CountedMark, Policy, Rounding, Threshold};
use crate::calendar::Period;
use crate::convert;
use crate::model::{FinalMark, Mark, MarkStatus};
use crate::scale::{Scale, ScaleKind};
use crate::store::{self, PolicyRow};
use otmetka_platform::grpc::access::StudentPlace;

pub const FINAL_MARK: &str = "final_mark";
/// The most further marks a what-if will suggest.
const WHAT_IF_MAX_COUNT: u32 = 20;

#[derive(Serialize, Deserialize)]
struct StoredThreshold {
    mark: String,
    min_average: f64,
}

/// The rule a school uses until it publishes its own: what schools write
/// in their regulations for each scale.
fn default_policy(kind: ScaleKind) -> Policy {
    let thresholds = |pairs: &[(&str, f64)]| {
        pairs
            .iter()
            .map(|(mark, min_average)| Threshold {
                mark: (*mark).to_owned(),
                min_average: *min_average,
            })
            .collect()
    };
    match kind {
        ScaleKind::FivePoint | ScaleKind::PassFail => Policy::default_five_point(),
        ScaleKind::TenPoint => Policy {
            version: 0,
            thresholds: (1..=10)
                .rev()
                .map(|mark| Threshold {
                    mark: mark.to_string(),
                    min_average: if mark == 1 {
                        0.0
                    } else {
                        f64::from(mark) - 0.5
                    },
                })
                .collect(),
            rounding: Rounding::HalfUp { decimals: 2 },
        },
        ScaleKind::HundredPoint | ScaleKind::Custom => Policy {
            version: 0,
            thresholds: thresholds(&[("5", 85.0), ("4", 70.0), ("3", 50.0), ("2", 0.0)]),
            rounding: Rounding::HalfUp { decimals: 2 },
        },
    }
}

fn policy_from(row: &PolicyRow) -> Result<Policy> {
    let corrupt = || Error::Internal(anyhow::anyhow!("policy {} is malformed", row.version));
    let thresholds: Vec<StoredThreshold> =
        serde_json::from_str(&row.thresholds).map_err(|_| corrupt())?;
    Ok(Policy {
        version: row.version,
        thresholds: thresholds
            .into_iter()
            .map(|t| Threshold {
                mark: t.mark,
                min_average: t.min_average,
            })
            .collect(),
        rounding: Rounding::parse(&row.rounding).map_err(|_| corrupt())?,
    })
}

fn policy_to_proto(
    school_id: Uuid,
    kind: ScaleKind,
    policy: &Policy,
    created: Option<chrono::DateTime<Utc>>,
) -> pb::CalculationPolicy {
    pb::CalculationPolicy {
        school_id: school_id.to_string(),
        version: policy.version,
        thresholds: policy
            .thresholds
            .iter()
            .map(|t| pb::Threshold {
                mark: t.mark.clone(),
                min_average: t.min_average,
            })
            .collect(),
        rounding: policy.rounding.to_string(),
        create_time: created.map(to_timestamp),
        scale: convert::scale_kind(kind).into(),
    }
}

/// The marks that count in an average on `scale`: graded on it, with points.
fn counted(marks: &[&Mark], scale: &Scale) -> Vec<CountedMark> {
    marks
        .iter()
        .filter(|mark| {
            mark.status == MarkStatus::Graded.as_str() && mark.scale == scale.kind.as_str()
        })
        .filter_map(|mark| {
            let points = scale.grade(&mark.value).ok()?.points?;
            Some(CountedMark {
                id: mark.id,
                value: mark.value.clone(),
                points,
                weight: u32::try_from(mark.weight).unwrap_or(0),
            })
        })
        .collect()
}

fn subject_average(
    student_id: Uuid,
    subject_id: Uuid,
    period_id: Uuid,
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
    /// The newest policy of a school for a scale (the built-in one until
    /// the school publishes its own).
    async fn current_policy(&self, school_id: Uuid, kind: ScaleKind) -> Result<Policy> {
        match store::policy(&self.db, school_id, kind.as_str(), 0).await? {
            Some(row) => policy_from(&row),
            None => Ok(default_policy(kind)),
        }
    }

    /// A subject's scale and policy, looked up once per subject.
    async fn rules(
        &self,
        school_id: Uuid,
        subject_id: Uuid,
        cache: &mut HashMap<Uuid, (Scale, Policy)>,
    ) -> Result<(Scale, Policy)> {
        if let Some(rules) = cache.get(&subject_id) {
            return Ok(rules.clone());
        }
        let scale = store::scale_for(&self.db, school_id, subject_id).await?;
        let policy = self.current_policy(school_id, scale.kind).await?;
        cache.insert(subject_id, (scale.clone(), policy.clone()));
        Ok((scale, policy))
    }

    pub(super) async fn create_calculation_policy(
        &self,
        ctx: CallContext,
        request: pb::CreateCalculationPolicyRequest,
    ) -> Result<pb::CreateCalculationPolicyResponse> {
        let wanted = request
            .policy
            .ok_or_else(|| Error::invalid("policy", "is required"))?;
        let school_id = parse_id("policy.school_id", &wanted.school_id)?;
        let kind = convert::scale_kind_from(wanted.scale, ScaleKind::FivePoint)
            .ok_or_else(|| Error::invalid("policy.scale", "is not a known scale"))?;
        let rounding = Rounding::parse(&wanted.rounding)
            .map_err(|description| Error::invalid("policy.rounding", description))?;
        let policy = Policy {
            version: 0,
            thresholds: wanted
                .thresholds
                .iter()
                .map(|t| Threshold {
                    mark: t.mark.trim().to_owned(),
                    min_average: t.min_average,
                })
                .collect(),
            rounding,
        };
        if let Err(problems) = policy.validate() {
            let mut violations = Violations::new();
            for problem in problems {
                violations.add(format!("policy.{}", problem.field), problem.description);
            }
            violations.into_result()?;
        }
        self.school(&ctx, identity::Action::ManageSchedule, school_id)
            .await?;
        let thresholds: Vec<StoredThreshold> = policy
            .thresholds
            .iter()
            .map(|t| StoredThreshold {
                mark: t.mark.clone(),
                min_average: t.min_average,
            })
            .collect();
        let row = PolicyRow {
            school_id,
            scale: kind.as_str().into(),
            version: 0,
            thresholds: serde_json::to_string(&thresholds)
                .map_err(|e| Error::Internal(e.into()))?,
            rounding: policy.rounding.to_string(),
            created_at: self.clock.now(),
        };
        let row = store::insert_policy(&self.db, row, ctx.person_id()?).await?;
        tracing::info!(%school_id, version = row.version, scale = kind.as_str(), "calculation policy published");
        Ok(pb::CreateCalculationPolicyResponse {
            policy: Some(policy_to_proto(
                school_id,
                kind,
                &policy_from(&row)?,
                Some(row.created_at),
            )),
        })
    }

    pub(super) async fn get_calculation_policy(
        &self,
        ctx: CallContext,
        request: pb::GetCalculationPolicyRequest,
    ) -> Result<pb::GetCalculationPolicyResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        let kind = convert::scale_kind_from(request.scale, ScaleKind::FivePoint)
            .ok_or_else(|| Error::invalid("scale", "is not a known scale"))?;
        if request.version < 0 {
            return Err(Error::invalid("version", "must not be negative"));
        }
        self.school(&ctx, identity::Action::ReadSchool, school_id)
            .await?;
        let policy =
            match store::policy(&self.db, school_id, kind.as_str(), request.version).await? {
                Some(row) => {
                    policy_to_proto(school_id, kind, &policy_from(&row)?, Some(row.created_at))
                }
                None if request.version == 0 => {
                    policy_to_proto(school_id, kind, &default_policy(kind), None)
                }
                None => return Err(Error::not_found("policy version")),
            };
        Ok(pb::GetCalculationPolicyResponse {
            policy: Some(policy),
        })
    }

    /// A student the caller may read, and a period of their school.
    async fn student_period(
        &self,
        ctx: &CallContext,
        student_id: &str,
        period_id: &str,
    ) -> Result<(Uuid, StudentPlace, Period)> {
        let student_id = parse_id("student_id", student_id)?;
        let period_id = parse_id("reporting_period_id", period_id)?;
        let place = self
            .student(
                ctx,
                identity::Action::ReadStudentRecord,
                student_id,
                None,
                None,
            )
            .await?;
        let period = self.calendar.period(place.school_id, period_id).await?;
        Ok((student_id, place, period))
    }

    pub(super) async fn get_student_averages(
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
        let mut by_subject: BTreeMap<Uuid, Vec<&Mark>> = BTreeMap::new();
        for mark in &marks {
            by_subject.entry(mark.subject_id).or_default().push(mark);
        }
        let mut rules = HashMap::new();
        let mut averages = Vec::new();
        for (subject_id, marks) in by_subject {
            let (scale, policy) = self.rules(place.school_id, subject_id, &mut rules).await?;
            let result = calc::average(&counted(&marks, &scale), &policy);
            averages.push(subject_average(student_id, subject_id, period.id, result));
        }
        Ok(pb::GetStudentAveragesResponse { averages })
    }

    pub(super) async fn compute_what_if(
        &self,
        ctx: CallContext,
        request: pb::ComputeWhatIfRequest,
    ) -> Result<pb::ComputeWhatIfResponse> {
        let subject_id = parse_id("subject_id", &request.subject_id)?;
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
            .rules(place.school_id, subject_id, &mut HashMap::new())
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

    pub(super) async fn set_final_mark(
        &self,
        ctx: CallContext,
        request: pb::SetFinalMarkRequest,
    ) -> Result<pb::SetFinalMarkResponse> {
        let student_id = parse_id("student_id", &request.student_id)?;
        let subject_id = parse_id("subject_id", &request.subject_id)?;
        let period_id = parse_id("reporting_period_id", &request.reporting_period_id)?;
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
        let period = self.calendar.period(place.school_id, period_id).await?;
        let scale = store::scale_for(&self.db, place.school_id, subject_id).await?;
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
            None => request.reason.trim().to_owned(),
        };
        self.ensure_open(&ctx, &place, subject_id, period.end)
            .await?;
        let policy = self.current_policy(place.school_id, scale.kind).await?;
        let mark = FinalMark {
            id: earlier
                .as_ref()
                .map_or_else(Uuid::now_v7, |earlier| earlier.id),
            school_id: place.school_id,
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
        let change = Change::new(mark.school_id, FINAL_MARK, mark.id, kind, Some(payload));
        store::put_final_mark(&self.db, &mark, &change).await?;
        tracing::info!(final_mark_id = %mark.id, %student_id, %subject_id, "final mark set");
        Ok(pb::SetFinalMarkResponse {
            final_mark: Some(convert::final_mark(mark)),
        })
    }

    pub(super) async fn list_final_marks(
        &self,
        ctx: CallContext,
        request: pb::ListFinalMarksRequest,
    ) -> Result<pb::ListFinalMarksResponse> {
        let student_id = parse_id("student_id", &request.student_id)?;
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

    /// The grid of a class (or group) in a subject and period: a bounded
    /// number of calls whatever the class size — the roster, the lessons
    /// (a call per two months), one query for marks, one for attendance.
    pub(super) async fn get_journal(
        &self,
        ctx: CallContext,
        request: pb::GetJournalRequest,
    ) -> Result<pb::GetJournalResponse> {
        let class_id = parse_id("class_id", &request.class_id)?;
        let group_id = optional_id("group_id", &request.group_id)?;
        let subject_id = parse_id("subject_id", &request.subject_id)?;
        let period_id = parse_id("reporting_period_id", &request.reporting_period_id)?;
        let school_id = self
            .class(
                &ctx,
                identity::Action::TeachClass,
                class_id,
                group_id,
                Some(subject_id),
            )
            .await?;
        let period = self.calendar.period(school_id, period_id).await?;
        let students = self
            .journal_students(&ctx, class_id, group_id, &period)
            .await?;
        let lessons = self
            .calendar
            .journal_lessons(class_id, group_id, subject_id, &period)
            .await?;
        let marks =
            store::class_subject_marks(&self.db, class_id, subject_id, period.start, period.end)
                .await?;
        let attendance = store::class_subject_attendance(
            &self.db,
            class_id,
            subject_id,
            period.start,
            period.end,
        )
        .await?;
        let (scale, policy) = self
            .rules(school_id, subject_id, &mut HashMap::new())
            .await?;

        let lesson_ids: Vec<String> = lessons.iter().map(|lesson| lesson.id.clone()).collect();
        let mut cells = Vec::new();
        let mut averages = Vec::new();
        for student in &students {
            let own: Vec<&Mark> = marks.iter().filter(|m| m.student_id == *student).collect();
            for lesson in &lessons {
                let lesson_marks: Vec<pb::Mark> = own
                    .iter()
                    .filter(|mark| {
                        mark.lesson_id.map(|id| id.to_string()).as_deref() == Some(&lesson.id)
                            || (mark.lesson_id.is_none()
                                && mark.lesson_date.to_string() == lesson.date)
                    })
                    .map(|mark| convert::mark((*mark).clone()))
                    .collect();
                let record = attendance
                    .iter()
                    .find(|a| a.student_id == *student && a.lesson_id.to_string() == lesson.id)
                    .cloned()
                    .map(convert::attendance);
                if !lesson_marks.is_empty() || record.is_some() {
                    cells.push(pb::JournalCell {
                        student_id: student.to_string(),
                        lesson_id: lesson.id.clone(),
                        marks: lesson_marks,
                        attendance: record,
                    });
                }
            }
            let result = calc::average(&counted(&own, &scale), &policy);
            averages.push(subject_average(*student, subject_id, period.id, result));
        }
        Ok(pb::GetJournalResponse {
            student_ids: students.iter().map(Uuid::to_string).collect(),
            lesson_ids,
            cells,
            averages,
        })
    }

    /// The class's (or group's) students on the period's last day so far.
    async fn journal_students(
        &self,
        ctx: &CallContext,
        class_id: Uuid,
        group_id: Option<Uuid>,
        period: &Period,
    ) -> Result<Vec<Uuid>> {
        let day = period.end.min(self.clock.today_utc()).max(period.start);
        let mut students = Vec::new();
        let mut page_token = String::new();
        loop {
            let request = ctx.forward(identity::ListClassStudentsRequest {
                class_id: class_id.to_string(),
                date: day.to_string(),
                page_size: 500,
                page_token,
            })?;
            let page = self
                .identity
                .clone()
                .list_class_students(request)
                .await?
                .into_inner();
            students.extend(
                page.students
                    .iter()
                    .filter_map(|s| Uuid::parse_str(&s.id).ok()),
            );
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
        if let Some(group_id) = group_id {
            let members = self.group_members(ctx, class_id, group_id).await?;
            students.retain(|student| members.contains(student));
        }
        Ok(students)
    }

    async fn group_members(
        &self,
        ctx: &CallContext,
        class_id: Uuid,
        group_id: Uuid,
    ) -> Result<Vec<Uuid>> {
        let mut page_token = String::new();
        loop {
            let request = ctx.forward(identity::ListGroupsRequest {
                class_id: class_id.to_string(),
                page_size: 100,
                page_token,
            })?;
            let page = self
                .identity
                .clone()
                .list_groups(request)
                .await?
                .into_inner();
            if let Some(group) = page.groups.iter().find(|g| g.id == group_id.to_string()) {
                return Ok(group
                    .student_ids
                    .iter()
                    .filter_map(|id| Uuid::parse_str(id).ok())
                    .collect());
            }
            if page.next_page_token.is_empty() {
                return Err(Error::not_found("group"));
            }
            page_token = page.next_page_token;
        }
    }
}
