//! Reading requests: every field parsed and checked, every problem named,
//! all of them reported at once.

use chrono::NaiveDate;
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::text::{TextRule, quote};
use otmetka_platform::{Error, Result};
use uuid::Uuid;

use crate::store::RequestKey;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_ROOM_CHARS: usize = 50;

/// A request being read. A field that fails gets a harmless stand-in value
/// and a violation; [`Input::finish`] refuses the request if there is any,
/// so stand-ins never reach storage.
#[derive(Debug, Default)]
pub struct Input(Violations);

impl Input {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn refuse(&mut self, field: &str, why: impl Into<String>) {
        self.0.add(field, why);
    }

    pub fn finish(self) -> Result<()> {
        self.0.into_result()
    }

    pub fn id<Id: From<Uuid> + Default>(&mut self, field: &str, text: &str) -> Id {
        if text.is_empty() {
            self.refuse(field, "is required");
            return Id::default();
        }
        self.optional_id(field, text).unwrap_or_default()
    }

    pub fn optional_id<Id: From<Uuid>>(&mut self, field: &str, text: &str) -> Option<Id> {
        if text.is_empty() {
            return None;
        }
        match Uuid::parse_str(text) {
            Ok(id) => Some(Id::from(id)),
            Err(_) => {
                self.refuse(field, "must be an id (UUID)");
                None
            }
        }
    }

    pub fn date(&mut self, field: &str, text: &str) -> NaiveDate {
        if text.is_empty() {
            self.refuse(field, "is required");
            return NaiveDate::default();
        }
        self.optional_date(field, text).unwrap_or_default()
    }

    pub fn optional_date(&mut self, field: &str, text: &str) -> Option<NaiveDate> {
        if text.is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                self.refuse(field, "must be a date as YYYY-MM-DD");
                None
            }
        }
    }

    /// A required display name on one line, trimmed.
    pub fn name(&mut self, field: &str, text: &str) -> String {
        TextRule::line(MAX_NAME_CHARS)
            .required()
            .check(field, text, &mut self.0)
            .to_owned()
    }

    /// One line of text that may be empty (a room, a reason), trimmed.
    pub fn line(&mut self, field: &str, text: &str, max_chars: usize) -> String {
        TextRule::line(max_chars)
            .check(field, text, &mut self.0)
            .to_owned()
    }

    /// Free text that may be empty and hold tabs and line breaks, trimmed.
    pub fn text(&mut self, field: &str, text: &str, max_chars: usize) -> String {
        TextRule::text(max_chars)
            .check(field, text, &mut self.0)
            .to_owned()
    }

    /// The caller's idempotency key, if they sent one.
    pub fn request_key(&mut self, ctx: &CallContext, request_id: &str) -> Option<RequestKey> {
        if request_id.is_empty() {
            return None;
        }
        if Uuid::parse_str(request_id).is_err() {
            self.refuse("request_id", "must be a UUID");
            return None;
        }
        Some(RequestKey {
            actor_id: ctx.principal.id,
            request_id: request_id.to_owned(),
        })
    }

    /// The paths of an update mask, each one of `allowed`.
    pub fn mask(&mut self, mask: Option<&prost_types::FieldMask>, allowed: &[&str]) -> Vec<String> {
        let paths = mask.map(|mask| mask.paths.clone()).unwrap_or_default();
        if paths.is_empty() {
            self.refuse(
                "update_mask",
                format!("name the fields to change: {}", allowed.join(", ")),
            );
        }
        for path in &paths {
            if !allowed.contains(&path.as_str()) {
                self.refuse(
                    "update_mask",
                    format!(
                        "{} cannot be changed; allowed: {}",
                        quote(path),
                        allowed.join(", ")
                    ),
                );
            }
        }
        paths
    }

    /// A message field that must be present.
    pub fn message<'a, T>(&mut self, field: &str, message: Option<&'a T>) -> Option<&'a T> {
        if message.is_none() {
            self.refuse(field, "is required");
        }
        message
    }
}

/// Whether an update mask names `path`.
pub fn masked(paths: &[String], path: &str) -> bool {
    paths.iter().any(|p| p == path)
}

/// Names a violation's field within the request message that holds it.
pub fn prefix_fields(error: Error, prefix: &str) -> Error {
    match error {
        Error::InvalidArgument(violations) => Error::InvalidArgument(
            violations
                .into_iter()
                .map(|mut violation| {
                    violation.field = format!("{prefix}{}", violation.field);
                    violation
                })
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use otmetka_platform::Error;
    use otmetka_platform::ids::{ClassId, GroupId, SchoolId};

    fn fields(input: Input) -> Vec<String> {
        match input.finish() {
            Err(Error::InvalidArgument(violations)) => {
                violations.into_iter().map(|v| v.field).collect()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut input = Input::new();
        input.id::<SchoolId>("school_id", "");
        input.id::<ClassId>("class_id", "5А");
        input.date("start_date", "01.09.2026");
        input.name("name", "   ");
        input.line("room", &"x".repeat(MAX_ROOM_CHARS + 1), MAX_ROOM_CHARS);
        input.mask(None, &["name"]);
        input.line("topic", "a\0b", 10);
        input.line("reason", "a\nb", 10);
        input.text("text", "a\u{2028}b", 10);
        assert_eq!(
            fields(input),
            [
                "school_id",
                "class_id",
                "start_date",
                "name",
                "room",
                "update_mask",
                "topic",
                "reason",
                "text"
            ]
        );
    }

    #[test]
    fn good_input_passes() {
        let mut input = Input::new();
        let id = SchoolId::generate();
        assert_eq!(input.id::<SchoolId>("school_id", &id.to_string()), id);
        assert_eq!(input.optional_id::<GroupId>("group_id", ""), None);
        assert_eq!(input.name("name", "  2026/2027 "), "2026/2027");
        assert_eq!(
            input.text("text", " §1\r\n\tупр. 5 ", 100),
            "§1\r\n\tупр. 5"
        );
        assert_eq!(
            input.optional_date("end_date", "2027-05-31"),
            NaiveDate::from_ymd_opt(2027, 5, 31)
        );
        assert!(input.finish().is_ok());
    }
}
