//! What a person may type into identity's text fields: names, logins,
//! timezones. Each check notes its violation under the field's name, so a
//! form shows every mistake at once.

use otmetka_platform::error::Violations;

/// A trimmed, non-empty text of at most `max` characters.
pub fn required_text(field: &str, text: &str, max: usize, violations: &mut Violations) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        violations.add(field, "is required");
    } else if trimmed.chars().count() > max {
        violations.add(field, format!("must be at most {max} characters"));
    }
    trimmed.to_owned()
}

/// Logins are case-insensitive: letters, digits, '.', '_' and '-'.
pub fn normalize_login(login: &str) -> Result<String, String> {
    let login = login.trim().to_lowercase();
    let valid_chars = login
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(3..=64).contains(&login.chars().count()) || !valid_chars {
        return Err("must be 3–64 letters, digits, '.', '_' or '-'".into());
    }
    Ok(login)
}

/// Whether `text` names an IANA timezone: a school's dates are read there.
pub fn timezone(field: &str, text: &str, violations: &mut Violations) -> bool {
    let known = text.parse::<chrono_tz::Tz>().is_ok();
    if !known {
        violations.add(field, "must be an IANA timezone such as Europe/Moscow");
    }
    known
}

/// The names of a new person, checked.
pub struct PersonNames {
    pub family_name: String,
    pub given_name: String,
    pub middle_name: String,
}

impl PersonNames {
    pub fn check(family: &str, given: &str, middle: &str, violations: &mut Violations) -> Self {
        let family_name = required_text("family_name", family, 100, violations);
        let given_name = required_text("given_name", given, 100, violations);
        let middle_name = middle.trim().to_owned();
        if middle_name.chars().count() > 100 {
            violations.add("middle_name", "must be at most 100 characters");
        }
        Self {
            family_name,
            given_name,
            middle_name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_case_insensitive_and_restricted() {
        assert_eq!(normalize_login(" Ivanova.M ").unwrap(), "ivanova.m");
        assert_eq!(normalize_login("Учитель-1").unwrap(), "учитель-1");
        for bad in ["ab", "has space", "semi;colon", &"x".repeat(65)] {
            assert!(normalize_login(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timezones_are_iana_names() {
        let mut violations = Violations::new();
        assert!(timezone("timezone", "Europe/Moscow", &mut violations));
        assert!(!timezone("timezone", "MSK+3", &mut violations));
        assert!(violations.into_result().is_err());
    }
}
