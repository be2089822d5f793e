//! The school's timetable as its deputy heads and administrators keep it:
//! bell schedules, the weekly timetable, holidays, and generating the dated
//! lessons from them. Schedule decides who may; anyone linked to the school
//! may read.

pub mod bells;
pub mod entries;
pub mod generation;
pub mod holidays;

use otmetka_platform::Error;

/// Names a contract field as the JSON API spells it: the message a field
/// travels in (`timetable_entry.`) is not part of the body a client sent.
fn unprefixed(error: Error, message: &str) -> Error {
    match error {
        Error::InvalidArgument(mut violations) => {
            for violation in &mut violations {
                if let Some(field) = violation.field.strip_prefix(message) {
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

    #[test]
    fn fields_lose_the_message_they_travel_in() {
        let error = Error::invalid("bell_schedule.slots[1].start_time", "must be HH:MM");
        match unprefixed(error, "bell_schedule.") {
            Error::InvalidArgument(violations) => {
                assert_eq!(violations[0].field, "slots[1].start_time");
            }
            other => panic!("{other:?}"),
        }
    }
}
