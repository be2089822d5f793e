//! What a person may type into identity's text fields: names, logins,
//! timezones, contact e-mails. Each check notes its violation under the field's name, so a
//! form shows every mistake at once.

use otmetka_platform::error::Violations;
use otmetka_platform::text::TextRule;

/// The longest family, given or middle name, in characters.
pub const MAX_PERSON_NAME_CHARS: usize = 100;
/// The longest name of a school or an API client, in characters.
pub const MAX_SCHOOL_NAME_CHARS: usize = 200;
/// The longest name of a subject or a group, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest class letter ("А", "Б-2"), in characters.
pub const MAX_CLASS_LETTER_CHARS: usize = 8;
/// The longest search text, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The longest contact e-mail, in characters: what fits in SMTP's path.
pub const MAX_EMAIL_CHARS: usize = 254;

/// A trimmed, non-empty line of at most `max` characters.
pub fn required_text(field: &str, text: &str, max: usize, violations: &mut Violations) -> String {
    TextRule::line(max)
        .required()
        .check(field, text, violations)
        .to_owned()
}

/// A trimmed line of at most `max` characters that may be empty.
pub fn optional_text(field: &str, text: &str, max: usize, violations: &mut Violations) -> String {
    TextRule::line(max)
        .check(field, text, violations)
        .to_owned()
}

/// A search text: at most [`MAX_QUERY_CHARS`] characters on one line, trimmed.
pub fn query(field: &str, text: &str) -> otmetka_platform::Result<String> {
    Ok(TextRule::line(MAX_QUERY_CHARS)
        .parse(field, text)?
        .to_owned())
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

/// A contact e-mail as stored, `None` for empty text: one address, trimmed,
/// its domain lower-cased so that one mailbox is written one way. Only the
/// shape is checked: whether the mailbox exists, only its mail server knows.
pub fn contact_email(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > MAX_EMAIL_CHARS {
        return Err(format!("must be at most {MAX_EMAIL_CHARS} characters"));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters".into());
    }
    let one_address = text.split_once('@').filter(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.split('.').any(str::is_empty)
    });
    let Some((local, domain)) = one_address else {
        return Err("must be one address such as name@example.ru".into());
    };
    Ok(Some(format!("{local}@{}", domain.to_lowercase())))
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
        let family_name = required_text("family_name", family, MAX_PERSON_NAME_CHARS, violations);
        let given_name = required_text("given_name", given, MAX_PERSON_NAME_CHARS, violations);
        let middle_name = optional_text("middle_name", middle, MAX_PERSON_NAME_CHARS, violations);
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
    fn names_refuse_control_characters_and_overlong_text() {
        let mut violations = Violations::new();
        let names = PersonNames::check(" Иванова ", "Ма\0рия", &"x".repeat(101), &mut violations);
        assert_eq!(names.family_name, "Иванова");
        let Err(otmetka_platform::Error::InvalidArgument(found)) = violations.into_result() else {
            panic!("refused");
        };
        let found: Vec<_> = found
            .iter()
            .map(|v| (v.field.as_str(), v.description.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("given_name", "must not contain control characters"),
                ("middle_name", "must be at most 100 characters"),
            ]
        );
        assert!(query("name_query", "Ив\0").is_err());
        assert_eq!(query("name_query", " Ив ").unwrap(), "Ив");
    }

    #[test]
    fn contact_emails_are_one_address_with_the_domain_lowercased() {
        assert_eq!(contact_email("  "), Ok(None));
        assert_eq!(
            contact_email(" Maria.Petrova@Mail.RU ").unwrap().as_deref(),
            Some("Maria.Petrova@mail.ru")
        );
        assert_eq!(
            contact_email("мария@Почта.РФ").unwrap().as_deref(),
            Some("мария@почта.рф")
        );
        let longest = format!("{}@example.ru", "x".repeat(MAX_EMAIL_CHARS - 11));
        assert!(contact_email(&longest).is_ok());
        for bad in [
            "maria",
            "@mail.ru",
            "maria@",
            "maria@localhost",
            "maria@@mail.ru",
            "maria@mail@mail.ru",
            "maria@.mail.ru",
            "maria@mail.ru.",
            "maria@mail..ru",
            "mar ia@mail.ru",
            "maria@mail.ru\u{0}",
            "maria\tpetrova@mail.ru",
            "maria@mail\u{a0}.ru",
            &format!("{longest}x"),
        ] {
            assert!(contact_email(bad).is_err(), "{bad:?}");
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
