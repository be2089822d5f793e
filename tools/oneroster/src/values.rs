//! Field values of OneRoster files in the platform's terms: dates, the
//! revision a row's dateLastModified stands for, mark values and scales.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// A date as OneRoster writes it: "YYYY-MM-DD", or a date-time whose
/// calendar date is taken as written.
pub fn date(text: &str) -> Option<NaiveDate> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.date_naive());
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|at| at.date())
}

/// The revision of a row: its dateLastModified in microseconds since the
/// epoch (UTC when no offset is written), so a newer edit outranks an older
/// one and the same row sent again changes nothing.
pub fn revision(text: &str) -> Option<i64> {
    let micros = if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        at.timestamp_micros()
    } else if let Ok(at) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        at.and_utc().timestamp_micros()
    } else {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?
            .and_utc()
            .timestamp_micros()
    };
    (micros >= 1).then_some(micros)
}

/// The mark a results row gives: its textScore when it has one ("4-",
/// "зачёт"), else its score, with a whole number written without decimals
/// ("5.0" is "5").
pub fn mark_value(score: &str, text_score: &str) -> Option<String> {
    if !text_score.is_empty() {
        return Some(text_score.to_owned());
    }
    if score.is_empty() {
        return None;
    }
    match score.replace(',', ".").parse::<f64>() {
        Ok(number) if number.is_finite() && number.fract() == 0.0 => {
            Some(format!("{}", number as i64))
        }
        _ => Some(score.to_owned()),
    }
}

/// Whether a value is on a scale.
type Fits = fn(&str) -> bool;

/// The platform's standard scales a OneRoster score scale may use.
const SCALES: [(&str, Fits); 4] = [
    ("five-point (1–5, with + or −)", |value| {
        let digits = value.trim_end_matches(['+', '-', '−']);
        matches!(digits, "1" | "2" | "3" | "4" | "5") && value.len() - digits.len() <= 3
    }),
    ("ten-point (1–10)", |value| {
        value.parse::<u8>().is_ok_and(|n| (1..=10).contains(&n))
    }),
    ("hundred-point (0–100)", |value| {
        value.parse::<u8>().is_ok_and(|n| n <= 100)
    }),
    ("pass/fail (зачёт, незачёт)", |value| {
        matches!(
            value.to_lowercase().as_str(),
            "зачёт" | "зачет" | "незачёт" | "незачет"
        )
    }),
];

/// The values of a scoreScaleValue field: "{1:Плохо},{2:…}", "[1,2,3]" or
/// "1;2;3"; of a "value:label" pair the value counts.
pub fn scale_values(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(|item| item.trim_matches(|c: char| c.is_whitespace() || "[]{}\"'".contains(c)))
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.split_once(':')
                .map_or(item, |(value, _)| value)
                .trim()
                .to_owned()
        })
        .collect()
}

/// The platform scale all of `values` belong to, or the first value that
/// fits none.
pub fn platform_scale(values: &[String]) -> Result<&'static str, String> {
    if values.is_empty() {
        return Err(String::new());
    }
    SCALES
        .iter()
        .find(|(_, fits)| values.iter().all(|value| fits(value)))
        .map(|(name, _)| *name)
        .ok_or_else(|| {
            values
                .iter()
                .find(|value| !SCALES.iter().any(|(_, fits)| fits(value)))
                .unwrap_or(&values[0])
                .clone()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_revisions() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(date("2026-11-20"), Some(day));
        assert_eq!(date("2026-11-20T23:30:00+03:00"), Some(day));
        assert_eq!(date("2026-11-20T10:00:00"), Some(day));
        assert_eq!(date("20.11.2026"), None);
        assert_eq!(date("2026-02-30"), None);
        assert_eq!(revision("1970-01-01T00:00:01Z"), Some(1_000_000));
        assert_eq!(
            revision("2026-11-20T10:00:00.000001Z").unwrap()
                - revision("2026-11-20T10:00:00Z").unwrap(),
            1
        );
        assert_eq!(
            revision("2026-11-20T10:00:00"),
            revision("2026-11-20T10:00:00Z")
        );
        assert_eq!(revision("yesterday"), None);
        assert_eq!(revision("1960-01-01"), None);
    }

    #[test]
    fn mark_values() {
        assert_eq!(mark_value("5.0", ""), Some("5".into()));
        assert_eq!(mark_value("4", "4-"), Some("4-".into()));
        assert_eq!(mark_value("", "зачёт"), Some("зачёт".into()));
        assert_eq!(mark_value("4.5", ""), Some("4.5".into()));
        assert_eq!(mark_value("", ""), None);
    }

    #[test]
    fn scales_must_be_the_platforms() {
        let five = scale_values("{1:Плохо},{2:Неуд},{3:Удовл},{4:Хорошо},{5:Отлично}");
        assert_eq!(five, ["1", "2", "3", "4", "5"]);
        assert!(platform_scale(&five).unwrap().starts_with("five-point"));
        assert!(
            platform_scale(&scale_values("[1, 2, 10]"))
                .unwrap()
                .starts_with("ten-point")
        );
        assert!(
            platform_scale(&scale_values("зачёт;незачёт"))
                .unwrap()
                .starts_with("pass/fail")
        );
        assert_eq!(platform_scale(&scale_values("A,B,C")), Err("A".into()));
        assert_eq!(platform_scale(&scale_values("1,2,101")), Err("101".into()));
    }
}
