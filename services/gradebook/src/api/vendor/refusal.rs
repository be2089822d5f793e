//! Refusals: the answers a vendor reads for one record, apart from the
//! failures that fail the whole call.

use otmetka_platform::Error;
use otmetka_platform::error::FieldViolation;
use otmetka_platform::refusal::{RecordRefusal, not_granted_message};

use super::record::RecordKind;

/// Why a record was refused, in the vendor API's refusals.
#[derive(Debug)]
pub(super) struct Refusal {
    pub(super) refusal: RecordRefusal,
    pub(super) field: &'static str,
    pub(super) message: String,
}

impl Refusal {
    pub(super) fn new(
        refusal: RecordRefusal,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            refusal,
            field,
            message: message.into(),
        }
    }

    pub(super) fn not_granted(kind: RecordKind) -> Self {
        Self::new(
            RecordRefusal::NotGranted,
            "",
            not_granted_message(kind.scope()),
        )
    }

    /// A violation of the mark checks a teacher's mark goes through.
    fn of_violation(violation: &FieldViolation) -> Self {
        let (code, field) = match violation.field.as_str() {
            "value" => (RecordRefusal::OutOfScale, "mark.value"),
            "lesson_id" => (RecordRefusal::UnresolvedReference, "mark.lesson_id"),
            "lesson_date" => (RecordRefusal::InvalidField, "mark.lesson_date"),
            "weight" => (RecordRefusal::InvalidField, "mark.weight"),
            "comment" => (RecordRefusal::InvalidField, "mark.comment"),
            _ => (RecordRefusal::InvalidField, "mark"),
        };
        Self::new(code, field, violation.description.clone())
    }
}

/// A record's failure: refused (an answer for that record alone), or the
/// platform failed (the call fails, and the vendor sends the batch again).
pub(super) enum Failure {
    Refused(Refusal),
    Broken(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Broken(error)
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        Failure::Refused(refusal)
    }
}

/// Turns the mark checks' errors into the refusals a vendor reads; others
/// stay failures.
pub(super) fn refused(error: Error) -> Failure {
    match error {
        Error::InvalidArgument(violations) => {
            Failure::Refused(Refusal::of_violation(&violations[0]))
        }
        Error::FailedPrecondition(message) => {
            Failure::Refused(Refusal::new(RecordRefusal::PeriodClosed, "", message))
        }
        other => Failure::Broken(other),
    }
}

pub(super) fn invalid(field: &'static str, message: impl Into<String>) -> Failure {
    Failure::Refused(Refusal::new(RecordRefusal::InvalidField, field, message))
}

/// A teacher's change stands against the vendor's.
pub(super) fn overridden() -> Failure {
    Refusal::new(
        RecordRefusal::OverriddenByTeacher,
        "",
        "a teacher changed this record in the journal; it is no longer the vendor's",
    )
    .into()
}

pub(super) fn raced_meanwhile() -> Error {
    Error::FailedPrecondition("the record was changed meanwhile; send it again".into())
}

/// A push of the same key racing this one won; the vendor resends.
pub(super) fn refused_race(error: Error) -> Failure {
    match error {
        Error::FailedPrecondition(message) | Error::Aborted(message) => Failure::Refused(
            Refusal::new(RecordRefusal::VersionConflict, "revision", message),
        ),
        other => Failure::Broken(other),
    }
}
