//! The one error vocabulary of the platform, mapped once to gRPC.
//!
//! Domain code returns [`Error`]; the gRPC boundary turns it into a
//! [`tonic::Status`] (with `google.rpc.BadRequest` details for field
//! violations) and the gateway turns statuses into problem+json. Unexpected
//! errors are logged once, here, and reach the caller only as "internal".

use tonic::Code;
use tonic_types::{ErrorDetails, StatusExt};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid argument: {}", describe(.0))]
    InvalidArgument(Vec<FieldViolation>),
    /// Also what a caller gets for an object they may not see.
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// Only for objects the caller is known to see; otherwise use `NotFound`.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    #[error("failed precondition: {0}")]
    FailedPrecondition(String),
    /// A concurrent writer won (a deadlock or serialization failure): the
    /// same request may succeed when sent again.
    #[error("aborted: {0}")]
    Aborted(String),
    #[error("resource exhausted: {0}")]
    ResourceExhausted(String),
    /// A quota or rate limit: the caller may try again after `retry_after`
    /// (sent as `google.rpc.RetryInfo`).
    #[error("resource exhausted: {message}")]
    RateLimited {
        message: String,
        retry_after: std::time::Duration,
    },
    #[error("deadline exceeded")]
    DeadlineExceeded,
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// One invalid field of a request, named as in the contract (`value`, `student_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    pub field: String,
    pub description: String,
}

fn describe(violations: &[FieldViolation]) -> String {
    violations
        .iter()
        .map(|v| format!("{}: {}", v.field, v.description))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Error::InvalidArgument(vec![FieldViolation {
            field: field.into(),
            description: description.into(),
        }])
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound(what.into())
    }

    pub fn code(&self) -> Code {
        match self {
            Error::InvalidArgument(_) => Code::InvalidArgument,
            Error::NotFound(_) => Code::NotFound,
            Error::AlreadyExists(_) => Code::AlreadyExists,
            Error::PermissionDenied(_) => Code::PermissionDenied,
            Error::Unauthenticated(_) => Code::Unauthenticated,
            Error::FailedPrecondition(_) => Code::FailedPrecondition,
            Error::Aborted(_) => Code::Aborted,
            Error::ResourceExhausted(_) | Error::RateLimited { .. } => Code::ResourceExhausted,
            Error::DeadlineExceeded => Code::DeadlineExceeded,
            Error::Unavailable(_) => Code::Unavailable,
            Error::Internal(_) => Code::Internal,
        }
    }
}

/// Collects every field violation of a request before failing, so a caller
/// learns all that is wrong at once.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, description: impl Into<String>) {
        self.0.push(FieldViolation {
            field: field.into(),
            description: description.into(),
        });
    }

    /// Keeps the parsed value, or records why `field` did not parse.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(description) => {
                self.add(field, description);
                None
            }
        }
    }

    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::InvalidArgument(self.0))
        }
    }
}

/// The longest text of one error sent over gRPC, in characters. A message
/// may quote what the caller sent; quoted whole, a long value would make
/// the status outgrow HTTP/2's header limit and reach the caller as a
/// protocol error instead of the refusal.
pub const MAX_ERROR_TEXT: usize = 200;
/// The most field violations one status carries.
const MAX_VIOLATIONS: usize = 20;

/// `text` cut to [`MAX_ERROR_TEXT`] characters, marked where it was cut.
pub fn bounded(text: String) -> String {
    match text.char_indices().nth(MAX_ERROR_TEXT) {
        None => text,
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

impl From<Error> for tonic::Status {
    fn from(error: Error) -> Self {
        match error {
            Error::InvalidArgument(mut violations) => {
                violations.truncate(MAX_VIOLATIONS);
                for violation in &mut violations {
                    violation.field = bounded(std::mem::take(&mut violation.field));
                    violation.description = bounded(std::mem::take(&mut violation.description));
                }
                let message = bounded(format!("invalid argument: {}", describe(&violations)));
                let mut details = ErrorDetails::new();
                for violation in violations {
                    details.add_bad_request_violation(violation.field, violation.description);
                }
                tonic::Status::with_error_details(Code::InvalidArgument, message, details)
            }
            Error::RateLimited {
                message,
                retry_after,
            } => tonic::Status::with_error_details(
                Code::ResourceExhausted,
                bounded(format!("resource exhausted: {message}")),
                ErrorDetails::with_retry_info(Some(retry_after)),
            ),
            Error::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "internal error");
                tonic::Status::internal("internal error")
            }
            other => tonic::Status::new(other.code(), bounded(other.to_string())),
        }
    }
}

/// A failed call to another service, seen from the caller's side: the
/// caller-visible outcomes pass through, anything else is internal.
impl From<tonic::Status> for Error {
    fn from(status: tonic::Status) -> Self {
        let message = status.message().to_owned();
        match status.code() {
            Code::NotFound => Error::NotFound(message.trim_end_matches(" not found").to_owned()),
            Code::Unauthenticated => Error::Unauthenticated(message),
            Code::PermissionDenied => Error::PermissionDenied(message),
            Code::DeadlineExceeded => Error::DeadlineExceeded,
            Code::Unavailable => Error::Unavailable(message),
            Code::ResourceExhausted => match status.get_details_retry_info() {
                Some(retry) => Error::RateLimited {
                    message,
                    retry_after: retry.retry_delay.unwrap_or_default(),
                },
                None => Error::ResourceExhausted(message),
            },
            Code::FailedPrecondition => Error::FailedPrecondition(message),
            Code::Aborted => Error::Aborted(message),
            Code::AlreadyExists => {
                Error::AlreadyExists(message.trim_end_matches(" already exists").to_owned())
            }
            Code::InvalidArgument => {
                let violations = status
                    .get_details_bad_request()
                    .map(|bad| {
                        bad.field_violations
                            .into_iter()
                            .map(|v| FieldViolation {
                                field: v.field,
                                description: v.description,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Error::InvalidArgument(violations)
            }
            code => Error::Internal(anyhow::anyhow!("upstream call failed: {code:?}: {message}")),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Error::NotFound("record".into()),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Error::AlreadyExists("record".into())
            }
            sqlx::Error::PoolTimedOut => Error::Unavailable("database busy".into()),
            // PostgreSQL's deadlock_detected and serialization_failure.
            sqlx::Error::Database(db)
                if matches!(db.code().as_deref(), Some("40P01") | Some("40001")) =>
            {
                Error::Aborted("a concurrent change won; send the request again".into())
            }
            _ => Error::Internal(anyhow::Error::new(error).context("database")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_violations_travel_as_bad_request_details() {
        let mut violations = Violations::new();
        violations.add("value", "must be 1–5 on the 5-point scale");
        violations.add("weight", "must be 1–10");
        let status = tonic::Status::from(violations.into_result().unwrap_err());
        assert_eq!(status.code(), Code::InvalidArgument);
        let bad = status.get_details_bad_request().expect("details");
        let fields: Vec<_> = bad
            .field_violations
            .iter()
            .map(|v| v.field.as_str())
            .collect();
        assert_eq!(fields, ["value", "weight"]);
        // and back again on the calling side
        match Error::from(status) {
            Error::InvalidArgument(v) => assert_eq!(v.len(), 2),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn callers_keep_the_meaning_of_upstream_refusals() {
        for error in [
            Error::not_found("student"),
            Error::AlreadyExists("login".into()),
            Error::FailedPrecondition("already linked".into()),
            Error::Aborted("raced".into()),
            Error::PermissionDenied("people only".into()),
            Error::Unauthenticated("sign in".into()),
            Error::ResourceExhausted("slow down".into()),
            Error::RateLimited {
                message: "quota".into(),
                retry_after: std::time::Duration::from_secs(3),
            },
            Error::Unavailable("away".into()),
            Error::DeadlineExceeded,
        ] {
            let code = error.code();
            let back = Error::from(tonic::Status::from(error));
            assert_eq!(back.code(), code);
            assert_eq!(tonic::Status::from(back).code(), code);
        }
    }

    #[test]
    fn rate_limits_tell_when_to_try_again() {
        let status = tonic::Status::from(Error::RateLimited {
            message: "the vendor's daily quota is spent".into(),
            retry_after: std::time::Duration::from_secs(90),
        });
        assert_eq!(status.code(), Code::ResourceExhausted);
        let retry = status.get_details_retry_info().expect("retry info");
        assert_eq!(retry.retry_delay, Some(std::time::Duration::from_secs(90)));
    }

    #[test]
    fn long_texts_are_cut_before_they_travel() {
        let long = "Ж".repeat(10_000);
        let status =
            tonic::Status::from(Error::invalid("value", format!("\"{long}\" is not a mark")));
        assert!(status.message().chars().count() <= MAX_ERROR_TEXT + 1);
        let details = status.get_error_details();
        let violation = &details.bad_request().unwrap().field_violations[0];
        assert_eq!(violation.field, "value");
        assert!(violation.description.ends_with('…'));
        assert!(violation.description.chars().count() <= MAX_ERROR_TEXT + 1);
        let status = tonic::Status::from(Error::NotFound(long));
        assert!(status.message().chars().count() <= MAX_ERROR_TEXT + 1);
        assert_eq!(bounded("short".into()), "short");
    }

    #[test]
    fn internal_errors_do_not_leak_details() {
        let status = tonic::Status::from(Error::Internal(anyhow::anyhow!("secret table x")));
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("secret"));
    }

    #[test]
    fn empty_violations_are_ok() {
        assert!(Violations::new().into_result().is_ok());
    }
}
