//! Reading OneRoster CSV files into rows, and the names and roles in them
//! into what identity keeps.

use otmetka_platform::Result;
use otmetka_platform::authz::StaffRole;
use otmetka_platform::text::TextRule;
use serde::Deserialize;

use super::Report;
use crate::model::PersonKind;

#[derive(Debug, Deserialize)]
pub struct UserRow {
    #[serde(rename = "sourcedId")]
    pub sourced_id: String,
    #[serde(default)]
    pub status: String,
    pub role: String,
    #[serde(rename = "givenName")]
    pub given_name: String,
    #[serde(rename = "familyName")]
    pub family_name: String,
    #[serde(rename = "middleName", default)]
    pub middle_name: String,
    #[serde(rename = "agentSourcedIds", default)]
    pub agent_sourced_ids: String,
    /// The person's contact e-mail, for notifications; empty keeps the
    /// one identity holds.
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Deserialize)]
pub struct ClassRow {
    #[serde(rename = "sourcedId")]
    pub sourced_id: String,
    #[serde(default)]
    pub status: String,
    pub title: String,
    pub grades: String,
    #[serde(rename = "classType")]
    pub class_type: String,
    #[serde(default)]
    pub subjects: String,
}

#[derive(Debug, Deserialize)]
pub struct EnrollmentRow {
    #[serde(default)]
    pub status: String,
    #[serde(rename = "classSourcedId")]
    pub class_sourced_id: String,
    #[serde(rename = "userSourcedId")]
    pub user_sourced_id: String,
    pub role: String,
    #[serde(default)]
    pub primary: String,
    #[serde(rename = "beginDate", default)]
    pub begin_date: String,
}

/// The parsed rows of one file, with their line numbers. A file missing a
/// `required` column is refused whole, once.
pub fn rows<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    content: &[u8],
    required: &[&str],
    report: &mut Report,
) -> Vec<(u64, T)> {
    let Ok(text) = std::str::from_utf8(content) else {
        report.refuse(file, 0, "file", "is not UTF-8");
        return Vec::new();
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            report.refuse(file, 1, "header", error.to_string());
            return Vec::new();
        }
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|column| !headers.iter().any(|h| h == *column))
        .collect();
    if !missing.is_empty() {
        for column in missing {
            report.refuse(file, 1, column, "column is missing");
        }
        return Vec::new();
    }
    let mut lines = Lines {
        bytes: text.as_bytes(),
        offset: 0,
        line: 1,
    };
    let mut parsed = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = lines.at(record.position());
                match record.deserialize::<T>(Some(&headers)) {
                    Ok(row) => parsed.push((line, row)),
                    Err(error) => {
                        let field = match error.kind() {
                            csv::ErrorKind::Deserialize { err, .. } => err
                                .field()
                                .and_then(|index| headers.get(index as usize))
                                .unwrap_or("row")
                                .to_owned(),
                            _ => "row".to_owned(),
                        };
                        report.refuse(file, line, &field, error.to_string());
                    }
                }
            }
            Err(error) => {
                let line = lines.at(error.position());
                report.refuse(file, line, "row", error.to_string());
            }
        }
    }
    parsed
}

/// Line numbers as an editor shows them: `\n`, `\r\n` and a lone `\r`
/// (old Mac exports) each end a line, where the CSV reader counts `\n`
/// only. Records are numbered in file order, so counting goes on from the
/// last one.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl Lines<'_> {
    fn at(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(position) = position else {
            return 0;
        };
        let mut to = usize::try_from(position.byte())
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        // A record's position is taken before the blank lines ahead of it.
        while to < self.bytes.len() && matches!(self.bytes[to], b'\n' | b'\r') {
            to += 1;
        }
        if to < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        self.line += line_breaks(self.bytes, self.offset, to);
        self.offset = to;
        self.line
    }
}

/// The line breaks in `bytes[from..to]`.
fn line_breaks(bytes: &[u8], from: usize, to: usize) -> u64 {
    (from..to)
        .filter(|&i| match bytes[i] {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        })
        .count() as u64
}

/// What a OneRoster user role makes of a person here.
pub fn person_kind(role: &str) -> Option<(PersonKind, Option<StaffRole>)> {
    match role {
        "student" => Some((PersonKind::Student, None)),
        "parent" | "guardian" | "relative" => Some((PersonKind::Guardian, None)),
        "teacher" => Some((PersonKind::Staff, Some(StaffRole::Teacher))),
        "administrator" => Some((PersonKind::Staff, Some(StaffRole::SchoolAdmin))),
        "principal" => Some((PersonKind::Staff, Some(StaffRole::Director))),
        _ => None,
    }
}

/// "5А" or "5 А" with grades "05" → (5, "А").
pub fn class_name(title: &str, grades: &str) -> Result<(i32, String), (&'static str, String)> {
    let grade = grades
        .split(',')
        .next()
        .map(str::trim)
        .and_then(|grade| {
            if grade == "KG" {
                Some(0)
            } else {
                grade.parse::<i32>().ok()
            }
        })
        .filter(|grade| (0..=11).contains(grade))
        .ok_or((
            "grades",
            "must start with a grade 0–11 (e.g. \"05\")".to_owned(),
        ))?;
    let letter = title
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim()
        .to_uppercase();
    if TextRule::line(8).required().read(&letter).is_err() {
        return Err(("title", "must be the class name, e.g. \"5А\"".to_owned()));
    }
    Ok((grade, letter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster_import::{ENROLLMENTS, USERS};

    #[test]
    fn class_names_come_from_title_and_grade() {
        assert_eq!(class_name("5А", "05"), Ok((5, "А".to_owned())));
        assert_eq!(class_name("11 б", "11"), Ok((11, "Б".to_owned())));
        assert_eq!(class_name("0 Б", "KG"), Ok((0, "Б".to_owned())));
        assert!(class_name("5А", "13").is_err());
        assert!(class_name("5", "05").is_err());
    }

    #[test]
    fn lines_end_at_any_line_break() {
        // Found by fuzzing: rows after a lone CR shared the line before it.
        let required = ["classSourcedId", "userSourcedId", "role"];
        for csv in [
            "classSourcedId,userSourcedId,role\rc1,u1,student\rc1,u2,student\r",
            "classSourcedId,userSourcedId,role\r\nc1,u1,student\r\n\r\nc1,u2,student\r\n",
            "classSourcedId,userSourcedId,role\nc1,u1,student\r\nc1,u2,student",
        ] {
            let mut report = Report::default();
            let parsed: Vec<(u64, EnrollmentRow)> =
                rows(ENROLLMENTS, csv.as_bytes(), &required, &mut report);
            let lines: Vec<u64> = parsed.iter().map(|(line, _)| *line).collect();
            let expected: &[u64] = if csv.contains("\r\n\r\n") {
                &[2, 4]
            } else {
                &[2, 3]
            };
            assert_eq!(lines, expected, "{csv:?}");
        }
    }

    #[test]
    fn rows_report_their_lines_and_fields() {
        let mut report = Report::default();
        let csv =
            "\u{feff}sourcedId,role,givenName,familyName\nu1,student,Иван,Петров\nu2,student\n";
        let required = ["sourcedId", "role", "givenName", "familyName"];
        let parsed: Vec<(u64, UserRow)> = rows(USERS, csv.as_bytes(), &required, &mut report);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].0, 2);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(report.errors[0].line, 3);
        let mut bad = Report::default();
        let _: Vec<(u64, UserRow)> = rows(USERS, &[0xff, 0xfe, 0x00], &required, &mut bad);
        assert_eq!(bad.errors[0].field, "file");
        let mut no_names = Report::default();
        let _: Vec<(u64, UserRow)> = rows(
            USERS,
            b"sourcedId,role\nu1,student\n",
            &required,
            &mut no_names,
        );
        let fields: Vec<&str> = no_names.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["givenName", "familyName"]);
    }
}
