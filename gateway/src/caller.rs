//! A signed-in person's request on its way to the services: their token and
//! the gateway's deadline on every call, parameters checked before anything
//! is sent, and every failure turned into problem+json in one place.

use std::future::Future;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use otmetka_platform::error::Violations;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;

use crate::AppState;
use crate::problem::{Problem, prefers_english};
use crate::session::{ActiveSession, Session};

/// The signed-in person of a request (past any forced password change),
/// with what the gateway needs to call the services on their behalf.
pub struct Caller {
    pub state: AppState,
    pub session: Session,
    english: bool,
}

impl<S> FromRequestParts<S> for Caller
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ActiveSession(session) = ActiveSession::from_request_parts(parts, state).await?;
        Ok(Self {
            state: AppState::from_ref(state),
            session,
            english: prefers_english(&parts.headers),
        })
    }
}

impl Caller {
    /// The caller of a page, whose language the page already knows.
    pub fn new(state: AppState, session: Session, english: bool) -> Self {
        Self {
            state,
            session,
            english,
        }
    }

    /// `message` as a call on the person's behalf: their token, the
    /// gateway's deadline, the trace and their address.
    pub fn request<T>(&self, message: T) -> Result<tonic::Request<T>> {
        self.session
            .request(message, self.state.settings.upstream_timeout)
    }

    pub fn gradebook(&self) -> GradebookServiceClient<Channel> {
        self.state.gradebook.clone()
    }

    pub fn schedule(&self) -> ScheduleServiceClient<Channel> {
        self.state.schedule.clone()
    }

    pub fn identity(&self) -> IdentityServiceClient<Channel> {
        self.state.identity.clone()
    }

    pub fn messaging(&self) -> MessagingServiceClient<Channel> {
        self.state.messaging.clone()
    }

    /// Runs a handler's work: its answer, or its error as problem+json in
    /// the language the person prefers.
    pub async fn answer<T: IntoResponse>(&self, work: impl Future<Output = Result<T>>) -> Response {
        match work.await {
            Ok(answer) => answer.into_response(),
            Err(error) => Problem::localized(error, self.english).into_response(),
        }
    }
}

/// An id in a path: anything that is not an id names nothing, which is the
/// same answer as a refusal.
pub fn path_id(what: &str, text: &str) -> Result<String> {
    hyphenated_uuid(text)
        .map(|id| id.to_string())
        .ok_or_else(|| Error::not_found(what))
}

/// Only the form the API documents (`format: uuid`, RFC 4122 hyphenated),
/// not the braced, URN or bare-hex forms a UUID parser also knows.
fn hyphenated_uuid(text: &str) -> Option<uuid::Uuid> {
    (text.len() == 36)
        .then(|| uuid::Uuid::parse_str(text).ok())
        .flatten()
}

/// Query parameters checked together, so a client learns every mistake at
/// once, each named as the client spelled it.
#[derive(Default)]
pub struct Params(Violations);

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    /// A required id.
    pub fn id(&mut self, name: &str, value: Option<&str>) -> String {
        match value {
            None | Some("") => {
                self.0.add(name, "is required");
                String::new()
            }
            Some(text) => self.check_id(name, text),
        }
    }

    /// An optional id; empty when absent. Present, it must be an id: the
    /// documented format is all that is accepted.
    pub fn optional_id(&mut self, name: &str, value: Option<&str>) -> String {
        match value {
            None => String::new(),
            Some(text) => self.check_id(name, text),
        }
    }

    fn check_id(&mut self, name: &str, text: &str) -> String {
        match hyphenated_uuid(text) {
            Some(id) => id.to_string(),
            None => {
                self.0.add(name, "must be an id (UUID)");
                String::new()
            }
        }
    }

    /// A required date, "YYYY-MM-DD".
    pub fn date(&mut self, name: &str, value: Option<&str>) -> String {
        match value {
            None | Some("") => {
                self.0.add(name, "is required");
                String::new()
            }
            Some(text) => self.check_date(name, text),
        }
    }

    /// An optional date; empty when absent.
    pub fn optional_date(&mut self, name: &str, value: Option<&str>) -> String {
        match value {
            None => String::new(),
            Some(text) => self.check_date(name, text),
        }
    }

    fn check_date(&mut self, name: &str, text: &str) -> String {
        let parsed = (text.len() == 10)
            .then(|| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
            .flatten();
        match parsed {
            Some(date) => date.to_string(),
            None => {
                self.0.add(name, "must be a date as YYYY-MM-DD");
                String::new()
            }
        }
    }

    /// A required non-empty text of at most `max_chars` characters.
    pub fn text(&mut self, name: &str, value: Option<&str>, max_chars: usize) -> String {
        match value.map(str::trim) {
            Some(text) if text.chars().count() > max_chars => {
                self.0
                    .add(name, format!("must be at most {max_chars} characters"));
                String::new()
            }
            Some(text) if !text.is_empty() => text.to_owned(),
            _ => {
                self.0.add(name, "is required");
                String::new()
            }
        }
    }

    /// An optional whole number within `range`; 0 when absent.
    pub fn number(
        &mut self,
        name: &str,
        value: Option<&str>,
        range: std::ops::RangeInclusive<i32>,
    ) -> i32 {
        match value {
            None => 0,
            Some(text) => match text.parse::<i32>() {
                Ok(number) if range.contains(&number) => number,
                _ => {
                    let (low, high) = range.into_inner();
                    self.0.add(name, format!("must be a number {low}–{high}"));
                    0
                }
            },
        }
    }

    /// An optional whole number from a JSON body within `range`; 0 when
    /// absent.
    pub fn optional_number(
        &mut self,
        name: &str,
        value: Option<i32>,
        range: std::ops::RangeInclusive<i32>,
    ) -> i32 {
        match value {
            None => 0,
            Some(number) if range.contains(&number) => number,
            Some(_) => {
                let (low, high) = range.into_inner();
                self.0.add(name, format!("must be a number {low}–{high}"));
                0
            }
        }
    }

    /// A page size, 1–500; 0 (the service's default) when absent.
    pub fn page_size(&mut self, value: Option<&str>) -> i32 {
        self.number("page_size", value, 1..=500)
    }

    /// Records that `name` is wrong, for checks of its own.
    pub fn refuse(&mut self, name: &str, why: &str) {
        self.0.add(name, why);
    }

    /// Records that `from` is after `to`, when both are set.
    pub fn range(&mut self, from: &str, to: &str, to_name: &str) {
        if !from.is_empty() && !to.is_empty() && from > to {
            self.0
                .add(to_name, "must not be before the start of the range");
        }
    }

    pub fn finish(self) -> Result<()> {
        self.0.into_result()
    }
}

/// What a service must have sent, or an internal error naming it.
pub fn required<T>(value: Option<T>, what: &str) -> Result<T> {
    value.ok_or_else(|| Error::Internal(anyhow::anyhow!("the service sent no {what}")))
}

pub fn timestamp(time: Option<prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    time.and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
}

/// Names contract fields as the JSON API spells them (`reporting_period_id`
/// → `period_id`), so a problem points at what the client sent.
pub fn renamed(error: Error, names: &[(&str, &str)]) -> Error {
    match error {
        Error::InvalidArgument(mut violations) => {
            for violation in &mut violations {
                if let Some((_, json)) = names
                    .iter()
                    .find(|(contract, _)| *contract == violation.field)
                {
                    violation.field = (*json).to_owned();
                }
            }
            Error::InvalidArgument(violations)
        }
        other => other,
    }
}

/// Names the fields of a contract message (`settings.digest_time`) as
/// the JSON API spells them, at the top of the body (`digest_time`).
pub fn unwrapped(error: Error, message: &str) -> Error {
    match error {
        Error::InvalidArgument(mut violations) => {
            for violation in &mut violations {
                if let Some(field) = violation
                    .field
                    .strip_prefix(message)
                    .and_then(|rest| rest.strip_prefix('.'))
                {
                    violation.field = field.to_owned();
                }
            }
            Error::InvalidArgument(violations)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(params: Params) -> Vec<String> {
        match params.finish() {
            Err(Error::InvalidArgument(violations)) => {
                violations.into_iter().map(|v| v.field).collect()
            }
            other => panic!("expected violations, got {other:?}"),
        }
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let mut params = Params::new();
        params.id("class_id", None);
        params.optional_id("group_id", Some("5А"));
        params.date("from", Some("28.11.2026"));
        let from = params.optional_date("to", Some("2026-11-30"));
        assert_eq!(from, "2026-11-30");
        assert_eq!(fields(params), ["class_id", "group_id", "from"]);
    }

    #[test]
    fn ranges_run_forward() {
        let mut params = Params::new();
        params.range("2026-11-30", "2026-11-01", "to");
        assert_eq!(fields(params), ["to"]);
        let mut params = Params::new();
        params.range("2026-11-01", "", "to");
        assert!(params.finish().is_ok());
    }

    #[test]
    fn fields_inside_a_message_are_named_at_the_top() {
        let error = Error::invalid("settings.rules[2].kind", "unknown");
        match unwrapped(error, "settings") {
            Error::InvalidArgument(violations) => {
                assert_eq!(violations[0].field, "rules[2].kind");
            }
            other => panic!("{other:?}"),
        }
        let error = Error::invalid("settingsx.kind", "unknown");
        match unwrapped(error, "settings") {
            Error::InvalidArgument(violations) => assert_eq!(violations[0].field, "settingsx.kind"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn contract_names_become_json_names() {
        let error = Error::invalid("reporting_period_id", "unknown");
        match renamed(error, &[("reporting_period_id", "period_id")]) {
            Error::InvalidArgument(violations) => assert_eq!(violations[0].field, "period_id"),
            other => panic!("{other:?}"),
        }
    }
}
