//! The refusals of one pushed record, as a vendor reads them: the contract's
//! `otmetka.common.v1.RecordRefusal`, and beside it the stable string code
//! the contracts still carry for older clients (`UNRESOLVED_REFERENCE` …),
//! which is the enum value's name without its prefix. Gradebook and import
//! both answer with them, so each code is defined once, in the contract.

pub use otmetka_proto::common::v1::RecordRefusal;

const PREFIX: &str = "RECORD_REFUSAL_";

/// The stable string code of a refusal (`NOT_GRANTED` for
/// [`RecordRefusal::NotGranted`]); empty for `Unspecified`.
pub fn code(refusal: RecordRefusal) -> &'static str {
    match refusal {
        RecordRefusal::Unspecified => "",
        other => other.as_str_name().trim_start_matches(PREFIX),
    }
}

/// The refusal a string code names, `Unspecified` for any other string
/// (an answer from a service older than the enum carries only the string).
pub fn from_code(code: &str) -> RecordRefusal {
    RecordRefusal::from_str_name(&format!("{PREFIX}{code}"))
        .filter(|refusal| *refusal != RecordRefusal::Unspecified)
        .unwrap_or(RecordRefusal::Unspecified)
}

/// What a vendor reads when a school has not granted it a record's write
/// scope, or the student named is not the school's: the same words from
/// whichever service refuses.
pub fn not_granted_message(scope: &str) -> String {
    format!("the school has not granted this vendor {scope}, or the student is not its")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The string codes are a contract of their own: vendors of the
    /// current version compare them, so none may change.
    #[test]
    fn codes_are_the_published_strings_and_round_trip() {
        let published = [
            (RecordRefusal::UnresolvedReference, "UNRESOLVED_REFERENCE"),
            (RecordRefusal::OutOfScale, "OUT_OF_SCALE"),
            (RecordRefusal::PeriodClosed, "PERIOD_CLOSED"),
            (RecordRefusal::NotGranted, "NOT_GRANTED"),
            (RecordRefusal::VersionConflict, "VERSION_CONFLICT"),
            (RecordRefusal::OverriddenByTeacher, "OVERRIDDEN_BY_TEACHER"),
            (RecordRefusal::DeletionLimit, "DELETION_LIMIT"),
            (RecordRefusal::InvalidField, "INVALID_FIELD"),
            (RecordRefusal::Internal, "INTERNAL"),
        ];
        for (refusal, string) in published {
            assert_eq!(code(refusal), string);
            assert_eq!(from_code(string), refusal);
        }
        assert_eq!(code(RecordRefusal::Unspecified), "");
        assert_eq!(from_code(""), RecordRefusal::Unspecified);
        assert_eq!(from_code("UNSPECIFIED"), RecordRefusal::Unspecified);
        assert_eq!(
            from_code("platform_id_not_found"),
            RecordRefusal::Unspecified
        );
    }
}
