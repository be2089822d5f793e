//! Conversions between the contracts' time types and the domain's.

use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{Error, Result};

pub fn to_timestamp(time: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: time.timestamp(),
        nanos: time.timestamp_subsec_nanos() as i32,
    }
}

/// A contract's timestamp as an instant, or the field's error.
pub fn from_timestamp(field: &str, timestamp: &prost_types::Timestamp) -> Result<DateTime<Utc>> {
    u32::try_from(timestamp.nanos)
        .ok()
        .and_then(|nanos| DateTime::from_timestamp(timestamp.seconds, nanos))
        .ok_or_else(|| Error::invalid(field, "is not a valid time"))
}

/// Russian month names as a date says them ("7 декабря"): the genitive.
pub const RUSSIAN_MONTHS_OF: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// "7 декабря": a day of the school year in words, the year understood.
pub fn russian_day_and_month(date: NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {}",
        date.day(),
        RUSSIAN_MONTHS_OF[date.month0() as usize]
    )
}

/// Parses a contract's school-local date ("YYYY-MM-DD"), naming `field` on failure.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, "must be a date as YYYY-MM-DD"))
}

/// Parses a contract's id (UUID text), naming `field` on failure.
pub fn parse_id(field: &str, text: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(text).map_err(|_| Error::invalid(field, "must be an id (UUID)"))
}

/// The first day of the academic year that `day` falls in: Russian schools
/// start on 1 September.
pub fn academic_year_start(day: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let year = if day.month() >= 9 {
        day.year()
    } else {
        day.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 9, 1).expect("1 September exists")
}

/// Parses an optional date: empty text means none.
pub fn optional_date(field: &str, text: &str) -> Result<Option<NaiveDate>> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse_date(field, text).map(Some)
    }
}

/// Parses an optional id: empty text means none.
pub fn optional_id(field: &str, text: &str) -> Result<Option<uuid::Uuid>> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse_id(field, text).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ids_name_their_field() {
        assert!(parse_date("lesson_date", "2026-09-01").is_ok());
        match parse_date("lesson_date", "01.09.2026") {
            Err(Error::InvalidArgument(v)) => assert_eq!(v[0].field, "lesson_date"),
            other => panic!("{other:?}"),
        }
        assert!(parse_id("student_id", "nope").is_err());
    }

    #[test]
    fn the_academic_year_starts_on_the_last_first_of_september() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(academic_year_start(date(2026, 11, 28)), date(2026, 9, 1));
        assert_eq!(academic_year_start(date(2027, 3, 2)), date(2026, 9, 1));
        assert_eq!(academic_year_start(date(2026, 9, 1)), date(2026, 9, 1));
    }
}
