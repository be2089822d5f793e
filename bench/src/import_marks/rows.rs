//! Mark rows for the floor: the same marks the vendor pushes, copied
//! straight into a scratch copy of gradebook's table.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, Utc};
use otmetka_proto::import::v1 as import;

use crate::seed::{self, School};

/// The rows of a run: row `n` is student `n mod S`'s mark in subject
/// `(n / S) mod subjects`, on a day counted back from today, so that a run
/// spreads over students, subjects and days as a term's marks do.
#[derive(Clone)]
pub(crate) struct Rows {
    pub(crate) school_id: String,
    pub(crate) students: Arc<Vec<String>>,
    pub(crate) classes: Arc<Vec<String>>,
    pub(crate) subjects: Arc<Vec<String>>,
    pub(crate) vendor_id: uuid::Uuid,
    pub(crate) today: NaiveDate,
    pub(crate) prefix: &'static str,
}

pub(crate) const VALUES: [&str; 10] = ["5", "5", "5", "4", "4", "4", "4", "3", "3", "2"];

impl Rows {
    pub(crate) fn new(school: &School, students: usize, today: NaiveDate) -> Self {
        Self {
            school_id: school.school_id.clone(),
            students: Arc::new(school.students[..students].to_vec()),
            classes: Arc::new(school.classes.clone()),
            subjects: Arc::new(school.subjects.clone()),
            vendor_id: school.vendor_id,
            today,
            prefix: "",
        }
    }

    pub(crate) fn prefixed(&self, prefix: &'static str) -> Self {
        Self {
            prefix,
            ..self.clone()
        }
    }

    pub(crate) fn student(&self, n: usize) -> usize {
        n % self.students.len()
    }

    pub(crate) fn subject(&self, n: usize) -> usize {
        (n / self.students.len()) % self.subjects.len()
    }

    pub(crate) fn date(&self, n: usize) -> NaiveDate {
        let per_day = self.students.len() * self.subjects.len();
        // Weekdays only, within the quarter.
        let mut back = (n / per_day) as u64 % (seed::TERM_DAYS_BACK * 5 / 7 - 2);
        let mut day = self.today;
        loop {
            use chrono::Datelike;
            if day.weekday().number_from_monday() <= 5 {
                if back == 0 {
                    return day;
                }
                back -= 1;
            }
            day = day - Days::new(1);
        }
    }

    pub(crate) fn operation(&self, n: usize) -> import::RecordOperation {
        let reference = |external_id: String| {
            Some(import::EntityRef {
                reference: Some(import::entity_ref::Reference::ExternalId(external_id)),
            })
        };
        import::RecordOperation {
            school_id: self.school_id.clone(),
            record_type: import::RecordType::Mark.into(),
            vendor_record_id: format!("{}-{n}", self.prefix),
            revision: 1,
            action: import::RecordAction::Upsert.into(),
            payload: Some(import::record_operation::Payload::Mark(
                import::MarkRecord {
                    student: reference(format!("s{}", self.student(n))),
                    subject: reference(format!("subj-{}", self.subject(n))),
                    date: self.date(n).to_string(),
                    value: VALUES[n % VALUES.len()].into(),
                    ..Default::default()
                },
            )),
            ..Default::default()
        }
    }

    /// Row `n` as gradebook stores it, in COPY's text format.
    pub(crate) fn copy_line(&self, n: usize, now: &str, out: &mut String) {
        use std::fmt::Write;
        let student = self.student(n);
        let class = &self.classes[student / seed::STUDENTS_PER_CLASS];
        let _ = writeln!(
            out,
            "{id}\t{school}\t{student}\t{subject}\t{class}\t{date}\t\\N\tfive_point\t{value}\tgraded\t1\t\\N\t\t{vendor}\t\\N\t1\t{now}\t{now}\t\\N\t\\N\t{vendor}\t{vendor}",
            id = uuid::Uuid::now_v7(),
            school = self.school_id,
            student = self.students[student],
            subject = self.subjects[self.subject(n)],
            date = self.date(n),
            value = VALUES[n % VALUES.len()],
            vendor = self.vendor_id,
        );
    }
}

/// (a): COPY of `count` rows into `bench_copy.marks`, a table like
/// gradebook's marks with its indexes and constraints; how long the COPY
/// took (the rows are made beforehand).
pub(crate) async fn copy_rows(
    db: &mut sqlx::PgConnection,
    rows: &Rows,
    count: usize,
) -> anyhow::Result<Duration> {
    sqlx::query("CREATE SCHEMA bench_copy")
        .execute(&mut *db)
        .await?;
    sqlx::query("CREATE TABLE bench_copy.marks (LIKE gradebook.marks INCLUDING ALL)")
        .execute(&mut *db)
        .await?;
    let now = Utc::now().to_rfc3339();
    let mut chunks = Vec::new();
    let mut chunk = String::new();
    for n in 0..count {
        rows.copy_line(n, &now, &mut chunk);
        if chunk.len() > 1 << 20 {
            chunks.push(std::mem::take(&mut chunk));
        }
    }
    chunks.push(chunk);
    let started = Instant::now();
    let mut copy = db
        .copy_in_raw(
            "COPY bench_copy.marks (id, school_id, student_id, subject_id, class_id, lesson_date, \
             lesson_id, scale, value, status, weight, work_type_id, comment, author_id, request_id, \
             revision, created_at, updated_at, deleted_at, seen_at, source_vendor_id, revised_by) \
             FROM STDIN",
        )
        .await?;
    for chunk in chunks {
        copy.send(chunk.into_bytes()).await?;
    }
    let copied = copy.finish().await?;
    let took = started.elapsed();
    anyhow::ensure!(copied == count as u64, "copied {copied} of {count} rows");
    Ok(took)
}
