//! What the gradebook needs to know of the school calendar (schedule's) and
//! of classes (identity's): reporting periods, whether they are closed, and
//! a class's grade level. Calls carry the caller's own token, so they see
//! only what the caller may see.
//!
//! Period lists are kept for a few seconds: writes check them on every
//! mark, and a closed period takes effect within that time.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::memo::Memo;
use otmetka_platform::time::parse_date;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;
use uuid::Uuid;

const PERIODS_FRESH_FOR: Duration = Duration::from_secs(5);
/// A class's grade level never changes; the bound is all that forgets it.
const GRADE_LEVEL_KEPT_FOR: Duration = Duration::from_secs(24 * 3600);
/// About how many classes, or schools' grade levels, are kept.
const KEPT: usize = 100_000;

/// A reporting period as the journal uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub id: Uuid,
    pub school_id: Uuid,
    pub name: String,
    /// The whole year, as opposed to a quarter, trimester or half-year.
    pub is_year: bool,
    pub grade_levels: Vec<i32>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub closed: bool,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

fn period_from(period: schedule::ReportingPeriod) -> Result<Period> {
    let bad = |_| Error::Internal(anyhow::anyhow!("schedule sent a malformed period"));
    Ok(Period {
        id: Uuid::parse_str(&period.id).map_err(|_| bad(()))?,
        school_id: Uuid::parse_str(&period.school_id).map_err(|_| bad(()))?,
        is_year: period.kind == schedule::ReportingPeriodKind::Year as i32,
        closed: period.state == schedule::ReportingPeriodState::Closed as i32,
        grade_levels: period.grade_levels,
        start: parse_date("start_date", &period.start_date).map_err(|_| bad(()))?,
        end: parse_date("end_date", &period.end_date).map_err(|_| bad(()))?,
        name: period.name,
    })
}

pub struct Calendar {
    schedule: ScheduleServiceClient<Channel>,
    identity: IdentityServiceClient<Channel>,
    grade_levels: Memo<Uuid, i32>,
    periods: Memo<(Uuid, i32), Arc<Vec<Period>>>,
}

impl Calendar {
    pub fn new(
        schedule: ScheduleServiceClient<Channel>,
        identity: IdentityServiceClient<Channel>,
    ) -> Self {
        Self {
            schedule,
            identity,
            grade_levels: Memo::new(GRADE_LEVEL_KEPT_FOR, KEPT),
            periods: Memo::new(PERIODS_FRESH_FOR, KEPT),
        }
    }

    pub fn schedule(&self) -> ScheduleServiceClient<Channel> {
        self.schedule.clone()
    }

    /// The grade level of a class (it never changes once the class exists).
    pub async fn grade_level(&self, ctx: &CallContext, class_id: Uuid) -> Result<i32> {
        if let Some(grade) = self.grade_levels.get(&class_id) {
            return Ok(grade);
        }
        let request = ctx.forward(identity::GetClassRequest {
            id: class_id.to_string(),
        })?;
        let class = self
            .identity
            .clone()
            .get_class(request)
            .await?
            .into_inner()
            .class
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("identity sent no class")))?;
        self.grade_levels.insert(class_id, class.grade_level);
        Ok(class.grade_level)
    }

    /// The school's periods for a grade level.
    pub async fn periods(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        grade_level: i32,
    ) -> Result<Arc<Vec<Period>>> {
        let key = (school_id, grade_level);
        if let Some(periods) = self.periods.get(&key) {
            return Ok(periods);
        }
        let mut periods = Vec::new();
        let mut page_token = String::new();
        loop {
            let request = ctx.forward(schedule::ListReportingPeriodsRequest {
                school_id: school_id.to_string(),
                grade_level,
                page_size: 100,
                page_token,
                ..Default::default()
            })?;
            let page = self
                .schedule
                .clone()
                .list_reporting_periods(request)
                .await?
                .into_inner();
            for period in page.reporting_periods {
                periods.push(period_from(period)?);
            }
            if page.next_page_token.is_empty() {
                break;
            }
            page_token = page.next_page_token;
        }
        let periods = Arc::new(periods);
        self.periods.insert(key, periods.clone());
        Ok(periods)
    }

    /// One period of a school; NOT_FOUND if the caller may not see it.
    pub async fn period(&self, ctx: &CallContext, school_id: Uuid, id: Uuid) -> Result<Period> {
        let request = ctx.forward(schedule::GetReportingPeriodRequest {
            school_id: school_id.to_string(),
            id: id.to_string(),
        })?;
        let period = self
            .schedule
            .clone()
            .get_reporting_period(request)
            .await
            .map_err(|status| match status.code() {
                tonic::Code::NotFound | tonic::Code::InvalidArgument => {
                    Error::not_found("reporting period")
                }
                _ => Error::from(status),
            })?
            .into_inner()
            .reporting_period
            .ok_or_else(|| Error::not_found("reporting period"))?;
        period_from(period)
    }

    /// A lesson of a school; NOT_FOUND if the caller may not see it.
    pub async fn lesson(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        id: Uuid,
    ) -> Result<schedule::Lesson> {
        let request = ctx.forward(schedule::GetLessonRequest {
            school_id: school_id.to_string(),
            id: id.to_string(),
        })?;
        self.schedule
            .clone()
            .get_lesson(request)
            .await
            .map_err(|status| match status.code() {
                tonic::Code::NotFound | tonic::Code::InvalidArgument => Error::not_found("lesson"),
                _ => Error::from(status),
            })?
            .into_inner()
            .lesson
            .ok_or_else(|| Error::not_found("lesson"))
    }
}
