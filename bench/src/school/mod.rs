//! A realistic school, built over the public gRPC APIs as its people would
//! build it: the city operator opens the school, its administrator fills in
//! the roster and the calendar, guardians sign up with access codes, and
//! teachers keep the journal for the term so far.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};
use otmetka_platform::auth::BearerToken;
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::context::outgoing;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;

mod calendar;
mod journal;
mod opening;
mod plan;
mod roster;
mod signup;

/// Every person's password in the bench school.
pub const PASSWORD: &str = "bench-password-1";

/// How big the school is and how full its journal.
#[derive(Debug, Clone)]
pub struct Shape {
    pub classes: usize,
    /// Weeks of the term before the current one that already have lessons.
    pub weeks: u64,
    /// Share of a lesson's students who get a mark in it.
    pub mark_share: f64,
    /// Share of a lesson's students with an attendance record (absent, ill, late).
    pub absence_share: f64,
    /// Calls in flight at once while seeding.
    pub concurrency: usize,
}

/// A person signed in over gRPC; signs in again before the token lapses.
struct Caller {
    identity: IdentityServiceClient<Channel>,
    login: String,
    password: String,
    token: BearerToken,
    signed_in: Instant,
}

impl Caller {
    async fn sign_in(
        identity: &IdentityServiceClient<Channel>,
        login: &str,
        password: &str,
    ) -> anyhow::Result<Self> {
        let token = login_token(identity, login, password).await?;
        Ok(Self {
            identity: identity.clone(),
            login: login.into(),
            password: password.into(),
            token,
            signed_in: Instant::now(),
        })
    }

    /// Signs in again when the token is more than ten minutes old.
    async fn refresh(&mut self) -> anyhow::Result<()> {
        if self.signed_in.elapsed() > Duration::from_secs(600) {
            self.token = login_token(&self.identity, &self.login, &self.password).await?;
            self.signed_in = Instant::now();
        }
        Ok(())
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        outgoing(message, &self.token, None).expect("a well-formed token")
    }
}

pub async fn login_token(
    identity: &IdentityServiceClient<Channel>,
    login: &str,
    password: &str,
) -> anyhow::Result<BearerToken> {
    let response = identity
        .clone()
        .login(identity::LoginRequest {
            login: login.into(),
            password: password.into(),
        })
        .await
        .with_context(|| format!("signing in as {login}"))?
        .into_inner();
    Ok(BearerToken(Arc::from(response.access_token.as_str())))
}

/// A guardian of the school and the child whose diary they read.
#[derive(Debug, Clone)]
pub struct Family {
    pub guardian_login: String,
    pub student_id: String,
}

/// What was built, for the load and the report.
#[derive(Debug, Clone)]
pub struct School {
    pub school_id: String,
    pub families: Vec<Family>,
    pub classes: usize,
    pub teachers: usize,
    pub subjects: usize,
    pub timetable_entries: usize,
    pub lessons: usize,
    pub marks: usize,
    pub attendance: usize,
    pub term: (NaiveDate, NaiveDate),
}

/// Runs `call` over `items`, `concurrency` at a time, in order.
async fn all<T, R, F, Fut>(items: Vec<T>, concurrency: usize, call: F) -> anyhow::Result<Vec<R>>
where
    F: Fn(T) -> Fut,
    Fut: Future<Output = anyhow::Result<R>>,
{
    stream::iter(items.into_iter().map(call))
        .buffered(concurrency)
        .try_collect()
        .await
}

struct Services {
    identity: IdentityServiceClient<Channel>,
    schedule: ScheduleServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
}

fn connect(suite: &otmetka_local::RunningSuite) -> anyhow::Result<Services> {
    let channel = |service: &str| -> anyhow::Result<Channel> {
        lazy_channel(suite.url_of(service).context("a service of the suite")?)
    };
    Ok(Services {
        identity: IdentityServiceClient::new(channel("identity")?),
        schedule: ScheduleServiceClient::new(channel("schedule")?),
        gradebook: GradebookServiceClient::new(channel("gradebook")?),
    })
}

/// The days the school is built around: today, the academic year, and the
/// term so far with the two weeks ahead.
#[derive(Clone, Copy)]
struct Dates {
    today: NaiveDate,
    year_start: NaiveDate,
    year_end: NaiveDate,
    term_start: NaiveDate,
    term_end: NaiveDate,
}

impl Dates {
    /// The term starts `weeks` weeks before the current one and runs a
    /// week past it, within the academic year of `today`.
    fn around(today: NaiveDate, weeks: u64) -> anyhow::Result<Self> {
        let year_start = otmetka_platform::time::academic_year_start(today);
        let year_end = NaiveDate::from_ymd_opt(year_start.year() + 1, 8, 31).context("a date")?;
        let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let term_start = monday
            .checked_sub_days(Days::new(7 * weeks))
            .context("a date")?
            .max(year_start);
        let term_end = (monday + Days::new(13)).min(year_end);
        Ok(Self {
            today,
            year_start,
            year_end,
            term_start,
            term_end,
        })
    }
}

fn person(
    school_id: &str,
    kind: identity::PersonKind,
    index: usize,
) -> identity::CreatePersonRequest {
    let (family, given) = plan::name(index);
    identity::CreatePersonRequest {
        school_id: school_id.to_owned(),
        kind: kind.into(),
        family_name: family.into(),
        given_name: given.into(),
        middle_name: String::new(),
    }
}

/// Builds the school; `city_login`/`city_password` are the city operator's.
pub async fn build(
    suite: &otmetka_local::RunningSuite,
    city_login: &str,
    city_password: &str,
    shape: &Shape,
) -> anyhow::Result<School> {
    let services = connect(suite)?;
    let n = shape.concurrency;
    let dates = Dates::around(Utc::now().date_naive(), shape.weeks)?;
    let (school_id, mut admin) = opening::open(&services, city_login, city_password).await?;
    let roster = roster::fill(
        &services,
        &admin,
        &school_id,
        n,
        shape.classes,
        dates.year_start,
    )
    .await?;
    let enrolled = signup::enrol(
        &services,
        &admin,
        &school_id,
        n,
        &roster.class_ids,
        dates.year_start,
    )
    .await?;
    // The roster can outlast the administrator's token.
    admin.refresh().await?;
    let calendar = calendar::lay_out(&services, &admin, &school_id, n, &dates, &roster).await?;
    let (marks, attendance) = journal::keep(
        &services,
        &admin,
        &school_id,
        shape,
        &roster,
        &enrolled,
        &calendar.lessons,
    )
    .await?;

    Ok(School {
        school_id,
        families: enrolled.into_iter().map(|(_, family)| family).collect(),
        classes: shape.classes,
        teachers: roster.teacher_ids.len(),
        subjects: roster.subject_ids.len(),
        timetable_entries: calendar.timetable_entries,
        lessons: calendar.lessons_created,
        marks,
        attendance,
        term: (dates.term_start, dates.term_end),
    })
}
