//! What a refused form shows: each field's mistake beside the field, the
//! values kept, and the status the JSON route would have answered.

use axum::http::StatusCode;
use otmetka_platform::Error;

/// A form's mistakes, by the field names the form and the JSON route share.
#[derive(Default)]
pub struct FieldErrors {
    errors: Vec<(String, String)>,
    /// A mistake that is no field's (a conflict, a refusal).
    pub general: String,
}

impl FieldErrors {
    /// The mistake of `field`, or empty.
    pub fn of(&self, field: &str) -> &str {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map_or("", |(_, text)| text.as_str())
    }

    /// A whole number typed into `field`; 0 and a mistake when it is not one.
    pub fn number(&mut self, field: &str, text: &str) -> i32 {
        text.trim().parse().unwrap_or_else(|_| {
            self.errors
                .push((field.to_owned(), "must be a whole number".to_owned()));
            0
        })
    }

    pub fn any(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }
}

/// A refusal a form can show, with its status; anything else is the
/// page's error.
pub fn refusal(error: Error, conflict: &str) -> Result<(StatusCode, FieldErrors), Error> {
    match error {
        Error::InvalidArgument(violations) => Ok((
            StatusCode::BAD_REQUEST,
            FieldErrors {
                errors: violations
                    .into_iter()
                    .map(|violation| (violation.field, violation.description))
                    .collect(),
                general: String::new(),
            },
        )),
        Error::AlreadyExists(_) | Error::FailedPrecondition(_) | Error::Aborted(_) => Ok((
            StatusCode::CONFLICT,
            FieldErrors {
                errors: Vec::new(),
                general: conflict.to_owned(),
            },
        )),
        other => Err(other),
    }
}
