//! The one rule for text a caller sends: how long it may be, whether it is
//! required, whether it is trimmed, and which characters it may hold.
//!
//! Every text field a service stores goes through a [`TextRule`]. A refusal
//! names the field and says what is wrong ("must be at most 1000
//! characters", "must not contain control characters") without quoting
//! the value, so an error never echoes what the caller sent.
//!
//! Characters refused everywhere: U+0000 (PostgreSQL `text` cannot hold
//! it, SQLite would keep it silently), every other C0 and C1 control
//! character and DEL, and the Unicode line and paragraph separators
//! U+2028/U+2029, which render as line breaks in some places and not in
//! others. A single line ([`TextRule::line`]) holds none of them, nor a tab
//! or a line break; multi-line text ([`TextRule::text`]) may also hold tabs
//! and line breaks written as `\n` or `\r\n`, but not a lone `\r`. Lone
//! surrogates cannot occur: a Rust `str` is valid UTF-8, and a request
//! whose strings are not is refused while it is decoded.

use crate::error::{Error, Result, Violations};

/// What a text field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    max_chars: usize,
    multiline: bool,
    required: bool,
    trimmed: bool,
}

/// Why a text was refused; shown to the caller under the field's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    Required,
    TooLong { max_chars: usize },
    ControlCharacters,
    LineBreaks,
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextProblem::Required => f.write_str("is required"),
            TextProblem::TooLong { max_chars } => {
                write!(f, "must be at most {max_chars} characters")
            }
            TextProblem::ControlCharacters => f.write_str("must not contain control characters"),
            TextProblem::LineBreaks => f.write_str("must be one line"),
        }
    }
}

impl TextRule {
    /// One line of at most `max_chars` characters, trimmed, may be empty.
    pub const fn line(max_chars: usize) -> Self {
        Self {
            max_chars,
            multiline: false,
            required: false,
            trimmed: true,
        }
    }

    /// Text of at most `max_chars` characters that may hold tabs and line
    /// breaks, trimmed, may be empty.
    pub const fn text(max_chars: usize) -> Self {
        Self {
            max_chars,
            multiline: true,
            required: false,
            trimmed: true,
        }
    }

    /// The same rule, refusing text that is empty (after trimming, if trimmed).
    pub const fn required(self) -> Self {
        Self {
            required: true,
            ..self
        }
    }

    /// The same rule, keeping the text as sent: for identifiers another
    /// system chose, where spaces may matter.
    pub const fn untrimmed(self) -> Self {
        Self {
            trimmed: false,
            ..self
        }
    }

    /// The most characters the text may have.
    pub const fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// The text to keep (trimmed if the rule trims), or why it is refused.
    pub fn read<'a>(&self, text: &'a str) -> Result<&'a str, TextProblem> {
        // Judged before trimming, which would drop some of them unseen.
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let allowed = match c {
                '\n' | '\t' => true,
                '\r' => chars.peek() == Some(&'\n'),
                c => !forbidden(c),
            };
            if !allowed {
                return Err(TextProblem::ControlCharacters);
            }
        }
        let text = if self.trimmed { text.trim() } else { text };
        if text.is_empty() {
            return if self.required {
                Err(TextProblem::Required)
            } else {
                Ok(text)
            };
        }
        // Counting stops one past the limit.
        if text.chars().nth(self.max_chars).is_some() {
            return Err(TextProblem::TooLong {
                max_chars: self.max_chars,
            });
        }
        if !self.multiline && text.contains(['\n', '\r', '\t']) {
            return Err(TextProblem::LineBreaks);
        }
        Ok(text)
    }

    /// The text to keep; if refused, a violation is noted under `field` and
    /// the text comes back anyway, for the caller to drop once every field
    /// has been read.
    pub fn check<'a>(&self, field: &str, text: &'a str, violations: &mut Violations) -> &'a str {
        match self.read(text) {
            Ok(kept) => kept,
            Err(problem) => {
                violations.add(field, problem.to_string());
                if self.trimmed { text.trim() } else { text }
            }
        }
    }

    /// The text to keep, or an invalid-argument error naming `field`.
    pub fn parse<'a>(&self, field: &str, text: &'a str) -> Result<&'a str> {
        self.read(text)
            .map_err(|problem| Error::invalid(field, problem.to_string()))
    }
}

/// Whether `c` is refused in any text: a C0 or C1 control character, DEL,
/// or a Unicode line or paragraph separator. Tabs and line breaks are
/// judged by the rule, not here.
pub fn forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Whether `text` holds a character no single line may hold: any
/// [`forbidden`] one, a tab or a line break.
pub fn has_control_characters(text: &str) -> bool {
    text.chars().any(forbidden)
}

/// The most characters of a caller's value an error message quotes.
pub const MAX_QUOTED_CHARS: usize = 40;

/// `text` quoted for an error message: at most [`MAX_QUOTED_CHARS`]
/// characters, control characters escaped, marked where it was cut.
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => format!("{text:?}"),
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
    }
}

/// The first line of `text` that says something, trimmed and cut to
/// `max_chars` characters (the last of them "…" where it was cut): what a
/// list or a notification shows of a message.
pub fn first_line(text: &str, max_chars: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("");
    if line.chars().count() > max_chars {
        let cut: String = line.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_first_line_is_the_first_that_says_something_cut_to_fit() {
        assert_eq!(
            first_line("\n  Здравствуйте!\nВторая строка", 120),
            "Здравствуйте!"
        );
        let cut = first_line(&"а".repeat(300), 120);
        assert_eq!(cut.chars().count(), 120);
        assert!(cut.ends_with('…'));
        assert_eq!(first_line("  \n\n", 10), "");
    }

    const LINE: TextRule = TextRule::line(10);
    const TEXT: TextRule = TextRule::text(10);

    #[test]
    fn lines_are_trimmed_and_bounded() {
        assert_eq!(LINE.read("  5А  "), Ok("5А"));
        assert_eq!(LINE.read(""), Ok(""));
        assert_eq!(LINE.read("   "), Ok(""));
        assert_eq!(LINE.read(&"Ж".repeat(10)), Ok("ЖЖЖЖЖЖЖЖЖЖ"));
        assert_eq!(
            LINE.read(&"Ж".repeat(11)),
            Err(TextProblem::TooLong { max_chars: 10 })
        );
        // trimmed before counting
        assert_eq!(
            LINE.read(&format!("  {}  ", "x".repeat(10))).unwrap().len(),
            10
        );
    }

    #[test]
    fn required_text_must_not_be_blank() {
        let rule = LINE.required();
        assert_eq!(rule.read("  "), Err(TextProblem::Required));
        assert_eq!(rule.untrimmed().read("  "), Ok("  "));
        assert_eq!(rule.untrimmed().read(""), Err(TextProblem::Required));
        assert_eq!(rule.read(" a "), Ok("a"));
    }

    #[test]
    fn control_characters_are_refused() {
        for bad in [
            "a\0b",
            "a\u{1}b",
            "a\u{1b}b",
            "a\u{7f}b",
            "a\u{85}b",
            "a\u{9f}b",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\rb",
        ] {
            assert_eq!(
                LINE.read(bad),
                Err(TextProblem::ControlCharacters),
                "{bad:?}"
            );
            assert_eq!(
                TEXT.read(bad),
                Err(TextProblem::ControlCharacters),
                "{bad:?}"
            );
        }
        // at the edges too, where trimming might have hidden it
        assert_eq!(LINE.read("\0"), Err(TextProblem::ControlCharacters));
        assert_eq!(LINE.read("ab\0"), Err(TextProblem::ControlCharacters));
    }

    #[test]
    fn only_multiline_text_holds_tabs_and_line_breaks() {
        for text in ["a\nb", "a\r\nb", "a\tb"] {
            assert_eq!(TEXT.read(text), Ok(text));
            assert_eq!(LINE.read(text), Err(TextProblem::LineBreaks));
        }
        // surrounding breaks are trimmed away, so a line may end with one
        assert_eq!(LINE.read("a\r\n"), Ok("a"));
        // other controls are refused even where trimming would drop them
        assert_eq!(
            LINE.read("\u{2028}a\u{85}"),
            Err(TextProblem::ControlCharacters)
        );
    }

    #[test]
    fn refusals_name_the_field_and_never_the_value() {
        let secret = "секрет".repeat(1000);
        let mut violations = Violations::new();
        LINE.check("comment", &secret, &mut violations);
        TextRule::text(10_000).check("topic", &format!("{secret}\0"), &mut violations);
        LINE.required().check("name", "", &mut violations);
        LINE.check("room", "101", &mut violations);
        let Err(Error::InvalidArgument(found)) = violations.into_result() else {
            panic!("refused");
        };
        let found: Vec<_> = found
            .iter()
            .map(|v| (v.field.as_str(), v.description.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("comment", "must be at most 10 characters"),
                ("topic", "must not contain control characters"),
                ("name", "is required"),
            ]
        );
        let error = TEXT.parse("reason", "a\0").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid argument: reason: must not contain control characters"
        );
    }

    #[test]
    fn quotes_are_short_and_escaped() {
        assert_eq!(quote("name"), "\"name\"");
        assert_eq!(quote("a\0b"), "\"a\\0b\"");
        let long = quote(&"Ж".repeat(10_000));
        assert!(long.chars().count() <= MAX_QUOTED_CHARS + 3, "{long}");
        assert!(long.ends_with('…'));
    }

    fn allowed_in_text(c: char) -> bool {
        !forbidden(c) || matches!(c, '\n' | '\t')
    }

    proptest! {
        #[test]
        fn accepted_text_holds_no_forbidden_character(text in "\\PC*|(.|[\\x00-\\x1f\\x7f-\\x9f\u{2028}\u{2029}])*") {
            let rule = TextRule::text(1000);
            if let Ok(kept) = rule.read(&text) {
                let without_crlf = kept.replace("\r\n", "\n");
                prop_assert!(without_crlf.chars().all(allowed_in_text), "{kept:?}");
            }
            if let Ok(kept) = TextRule::line(1000).read(&text) {
                prop_assert!(!has_control_characters(kept), "{kept:?}");
            }
        }

        #[test]
        fn text_with_a_forbidden_character_is_refused(
            before in "\\PC{0,20}",
            bad in "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\u{2028}\u{2029}]",
            after in "\\PC{0,20}",
        ) {
            let text = format!("{before}{bad}{after}");
            prop_assert_eq!(TextRule::text(1000).read(&text), Err(TextProblem::ControlCharacters));
            prop_assert_eq!(TextRule::line(1000).read(&text), Err(TextProblem::ControlCharacters));
            prop_assert_eq!(
                TextRule::line(1000).untrimmed().read(&text),
                Err(TextProblem::ControlCharacters)
            );
        }

        #[test]
        fn lone_carriage_returns_are_refused_inside_text(
            before in "\\PC{1,20}",
            after in "[^\n]\\PC{0,20}",
        ) {
            let text = format!("{before}\r{after}");
            prop_assert_eq!(TextRule::text(1000).read(&text), Err(TextProblem::ControlCharacters));
        }

        #[test]
        fn text_over_the_limit_is_refused(text in "\\PC{0,40}", max in 0usize..30) {
            let rule = TextRule::text(max).untrimmed();
            match rule.read(&text) {
                Ok(kept) => prop_assert!(kept.chars().count() <= max),
                Err(problem) => prop_assert!(
                    text.chars().count() > max || problem == TextProblem::ControlCharacters
                ),
            }
        }
    }
}
