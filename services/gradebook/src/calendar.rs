//! What the gradebook needs to know of the school calendar (schedule's) and
//! of classes (identity's): reporting periods, whether they are closed,
//! lessons, and a class's grade level.
//!
//! Lessons and periods come from gradebook's own copy, fed by schedule's
//! change feed ([`crate::feed::calendar`]), so a mark never waits on a call
//! to schedule. The copy trails schedule by the feed's lag (well under a
//! second when both run): a closed period locks the journal that much
//! later. A lesson or period the copy does not hold yet — one created a
//! moment ago — makes the lookup read the feed to its end once before it
//! answers NOT_FOUND.

use std::time::Duration;

use chrono::NaiveDate;
use otmetka_platform::feed::ConsumerHandle;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, LessonId, PeriodId, SchoolId, SubjectId};
use otmetka_platform::memo::Memo;
use otmetka_platform::time::parse_date;
use otmetka_platform::{Error, Result, db::Db};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as schedule;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::store::calendar as copy;

/// A class's grade level never changes; the bound is all that forgets it.
const GRADE_LEVEL_KEPT_FOR: Duration = Duration::from_secs(24 * 3600);
/// About how many classes' grade levels are kept.
const KEPT: usize = 100_000;
/// How long a lookup of something the copy lacks waits for the feed.
const CATCH_UP_WITHIN: Duration = Duration::from_secs(10);

/// A reporting period as the journal uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub id: PeriodId,
    pub school_id: SchoolId,
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
        id: period.id.parse().map_err(|_| bad(()))?,
        school_id: period.school_id.parse().map_err(|_| bad(()))?,
        is_year: period.kind == schedule::ReportingPeriodKind::Year as i32,
        closed: period.state == schedule::ReportingPeriodState::Closed as i32,
        grade_levels: period.grade_levels,
        start: parse_date("start_date", &period.start_date).map_err(|_| bad(()))?,
        end: parse_date("end_date", &period.end_date).map_err(|_| bad(()))?,
        name: period.name,
    })
}

pub struct Calendar {
    db: Db,
    feed: ConsumerHandle,
    identity: IdentityServiceClient<Channel>,
    grade_levels: Memo<ClassId, i32>,
}

impl Calendar {
    pub fn new(db: Db, feed: ConsumerHandle, identity: IdentityServiceClient<Channel>) -> Self {
        Self {
            db,
            feed,
            identity,
            grade_levels: Memo::new(GRADE_LEVEL_KEPT_FOR, KEPT),
        }
    }

    /// The grade level of a class (it never changes once the class exists).
    pub async fn grade_level(&self, ctx: &CallContext, class_id: ClassId) -> Result<i32> {
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
    pub async fn periods(&self, school_id: SchoolId, grade_level: i32) -> Result<Vec<Period>> {
        copy::periods(&self.db, school_id.uuid())
            .await?
            .into_iter()
            .filter(|period| period.grade_levels.contains(&grade_level))
            .map(period_from)
            .collect()
    }

    /// One period of a school.
    pub async fn period(&self, school_id: SchoolId, id: PeriodId) -> Result<Period> {
        let (school_id, id) = (school_id.uuid(), id.uuid());
        let period = self
            .found_or_caught_up("reporting period", || copy::period(&self.db, school_id, id))
            .await?;
        period_from(period)
    }

    /// One lesson of a school.
    pub async fn lesson(&self, school_id: SchoolId, id: LessonId) -> Result<schedule::Lesson> {
        let (school_id, id) = (school_id.uuid(), id.uuid());
        self.found_or_caught_up("lesson", || copy::lesson(&self.db, school_id, id))
            .await
    }

    /// The subject's lessons of a class (or group) in a period, in order.
    pub async fn journal_lessons(
        &self,
        class_id: ClassId,
        group_id: Option<Uuid>,
        subject_id: SubjectId,
        period: &Period,
    ) -> Result<Vec<schedule::Lesson>> {
        copy::journal_lessons(
            &self.db,
            class_id.uuid(),
            group_id,
            subject_id.uuid(),
            (period.start, period.end),
        )
        .await
    }

    /// What `read` finds in the copy; if nothing, what it finds once the
    /// copy has caught up with schedule.
    async fn found_or_caught_up<T, F, Fut>(&self, noun: &str, read: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        if let Some(found) = read().await? {
            return Ok(found);
        }
        if !self.feed.catch_up(CATCH_UP_WITHIN).await {
            return Err(Error::Unavailable(
                "the school calendar is not up to date; try again shortly".into(),
            ));
        }
        read().await?.ok_or_else(|| Error::not_found(noun))
    }
}
