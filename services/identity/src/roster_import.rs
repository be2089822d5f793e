//! Bulk roster loading from OneRoster 1.2 CSV files: `users.csv` (students,
//! teachers, guardians, administrators and their `agentSourcedIds` links),
//! `classes.csv` (homeroom and scheduled classes) and `enrollments.csv`
//! (students in classes, a homeroom's primary teacher as class teacher).
//!
//! A scheduled class («Английский язык 5А, гр. 1») is not a class of its own
//! here: it becomes teaching assignments of its teachers in its subject, for
//! the homeroom its students share — or for a group of that homeroom, named
//! after the scheduled class, when it holds only some of them.
//!
//! Each row stands alone: a bad row is reported by file, line and field and
//! the good rows still load. The file's `sourcedId`s are remembered per
//! school, so loading the same files again changes nothing, and a changed
//! row updates what it loaded before.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use otmetka_platform::Result;
use otmetka_platform::authz::StaffRole;
use otmetka_platform::db::Db;
use serde::Deserialize;
use uuid::Uuid;

use crate::model::{
    Class, Group, Guardianship, Membership, Person, PersonKind, Subject, TeachingAssignment,
};
use crate::store;

pub const USERS: &str = "users.csv";
pub const CLASSES: &str = "classes.csv";
pub const ENROLLMENTS: &str = "enrollments.csv";

/// One refused row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: &'static str,
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub field: String,
    pub description: String,
}

/// What a load did (or, in a dry run, would do).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub errors: Vec<RowError>,
}

#[derive(Clone, Copy)]
enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl Report {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }

    fn refuse(
        &mut self,
        file: &'static str,
        line: u64,
        field: &str,
        description: impl Into<String>,
    ) {
        self.errors.push(RowError {
            file,
            line,
            field: field.into(),
            description: description.into(),
        });
    }
}

#[derive(Debug, Deserialize)]
struct UserRow {
    #[serde(rename = "sourcedId")]
    sourced_id: String,
    #[serde(default)]
    status: String,
    role: String,
    #[serde(rename = "givenName")]
    given_name: String,
    #[serde(rename = "familyName")]
    family_name: String,
    #[serde(rename = "middleName", default)]
    middle_name: String,
    #[serde(rename = "agentSourcedIds", default)]
    agent_sourced_ids: String,
}

#[derive(Debug, Deserialize)]
struct ClassRow {
    #[serde(rename = "sourcedId")]
    sourced_id: String,
    #[serde(default)]
    status: String,
    title: String,
    grades: String,
    #[serde(rename = "classType")]
    class_type: String,
    #[serde(default)]
    subjects: String,
}

/// A scheduled class of the file and who enrolled in it.
#[derive(Debug, Default)]
struct ScheduledClass {
    line: u64,
    title: String,
    subject: String,
    /// Student enrollments: (line, person).
    students: Vec<(u64, Uuid)>,
    /// Teacher enrollments: (line, person).
    teachers: Vec<(u64, Uuid)>,
}

#[derive(Debug, Deserialize)]
struct EnrollmentRow {
    #[serde(default)]
    status: String,
    #[serde(rename = "classSourcedId")]
    class_sourced_id: String,
    #[serde(rename = "userSourcedId")]
    user_sourced_id: String,
    role: String,
    #[serde(default)]
    primary: String,
    #[serde(rename = "beginDate", default)]
    begin_date: String,
}

/// The parsed rows of one file, with their line numbers. A file missing a
/// `required` column is refused whole, once.
fn rows<T: for<'de> Deserialize<'de>>(
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
    let mut parsed = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(0, |position| position.line());
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
                let line = error.position().map_or(0, |position| position.line());
                report.refuse(file, line, "row", error.to_string());
            }
        }
    }
    parsed
}

/// What a OneRoster user role makes of a person here.
fn person_kind(role: &str) -> Option<(PersonKind, Option<StaffRole>)> {
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
fn class_name(title: &str, grades: &str) -> Result<(i32, String), (&'static str, String)> {
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
    if letter.is_empty() || letter.chars().count() > 8 {
        return Err(("title", "must be the class name, e.g. \"5А\"".to_owned()));
    }
    Ok((grade, letter))
}

/// Loads the roster files into `school_id`. `dry_run` checks and counts
/// without writing.
pub async fn import(
    db: &Db,
    school_id: Uuid,
    files: &HashMap<String, Vec<u8>>,
    dry_run: bool,
) -> Result<Report> {
    let mut report = Report::default();
    let mut loader = Loader {
        db,
        school_id,
        dry_run,
        sources: store::roster_sources(db, school_id).await?,
        scheduled: HashMap::new(),
        homerooms: HashMap::new(),
    };
    if let Some(content) = files.get(USERS) {
        let users: Vec<(u64, UserRow)> = rows(
            USERS,
            content,
            &["sourcedId", "role", "givenName", "familyName"],
            &mut report,
        );
        for (line, user) in &users {
            loader.user(*line, user, &mut report).await?;
        }
        for (line, user) in &users {
            loader.agents(*line, user, &mut report).await?;
        }
    }
    if let Some(content) = files.get(CLASSES) {
        let required = ["sourcedId", "title", "grades", "classType"];
        for (line, class) in rows::<ClassRow>(CLASSES, content, &required, &mut report) {
            loader.class(line, &class, &mut report).await?;
        }
    }
    if let Some(content) = files.get(ENROLLMENTS) {
        let required = ["classSourcedId", "userSourcedId", "role"];
        for (line, enrollment) in
            rows::<EnrollmentRow>(ENROLLMENTS, content, &required, &mut report)
        {
            loader.enrollment(line, &enrollment, &mut report).await?;
        }
    }
    let scheduled = std::mem::take(&mut loader.scheduled);
    let mut scheduled: Vec<ScheduledClass> = scheduled.into_values().collect();
    scheduled.sort_by_key(|class| class.line);
    for class in &scheduled {
        loader.scheduled_class(class, &mut report).await?;
    }
    for name in files.keys() {
        if ![USERS, CLASSES, ENROLLMENTS, "orgs.csv", "manifest.csv"].contains(&name.as_str()) {
            report.refuse(
                "manifest.csv",
                0,
                name,
                "is not a roster file this load reads",
            );
        }
    }
    Ok(report)
}

struct Loader<'a> {
    db: &'a Db,
    school_id: Uuid,
    dry_run: bool,
    /// (kind, sourcedId) → platform id, for this school.
    sources: HashMap<(String, String), Uuid>,
    /// The file's scheduled classes by sourcedId, resolved once every
    /// enrollment is read.
    scheduled: HashMap<String, ScheduledClass>,
    /// Homerooms this load puts students in (so that a dry run resolves
    /// scheduled classes as the load would).
    homerooms: HashMap<Uuid, Uuid>,
}

impl Loader<'_> {
    fn known(&self, kind: &str, sourced_id: &str) -> Option<Uuid> {
        self.sources
            .get(&(kind.to_owned(), sourced_id.to_owned()))
            .copied()
    }

    async fn remember(&mut self, kind: &str, sourced_id: &str, id: Uuid) -> Result<()> {
        if !self.dry_run {
            store::remember_roster_source(self.db, self.school_id, kind, sourced_id, id).await?;
        }
        self.sources
            .insert((kind.to_owned(), sourced_id.to_owned()), id);
        Ok(())
    }

    async fn user(&mut self, line: u64, row: &UserRow, report: &mut Report) -> Result<()> {
        if row.status == "tobedeleted" {
            return Ok(());
        }
        if row.sourced_id.is_empty() {
            report.refuse(USERS, line, "sourcedId", "is required");
            return Ok(());
        }
        let Some((kind, staff_role)) = person_kind(&row.role) else {
            report.refuse(
                USERS,
                line,
                "role",
                format!("{:?} is not a role this roster knows", row.role),
            );
            return Ok(());
        };
        for (field, value) in [
            ("familyName", &row.family_name),
            ("givenName", &row.given_name),
        ] {
            if value.is_empty() || value.chars().count() > 100 {
                report.refuse(USERS, line, field, "must be 1–100 characters");
                return Ok(());
            }
        }
        let outcome = match self.known("user", &row.sourced_id) {
            Some(id) => {
                let Some(mut person) = store::get_person(self.db, id).await? else {
                    report.refuse(
                        USERS,
                        line,
                        "sourcedId",
                        "names a person that no longer exists",
                    );
                    return Ok(());
                };
                if person.kind() != Some(kind) {
                    report.refuse(USERS, line, "role", "differs from the role loaded before");
                    return Ok(());
                }
                let same = person.family_name == row.family_name
                    && person.given_name == row.given_name
                    && person.middle_name == row.middle_name;
                if same {
                    Outcome::Unchanged
                } else {
                    person.family_name.clone_from(&row.family_name);
                    person.given_name.clone_from(&row.given_name);
                    person.middle_name.clone_from(&row.middle_name);
                    if !self.dry_run {
                        store::update_person(self.db, &person, false).await?;
                    }
                    Outcome::Updated
                }
            }
            None => {
                let person = Person {
                    id: Uuid::now_v7(),
                    school_id: Some(self.school_id),
                    kind: kind.as_str().into(),
                    family_name: row.family_name.clone(),
                    given_name: row.given_name.clone(),
                    middle_name: row.middle_name.clone(),
                    disabled: false,
                    created_at: Utc::now(),
                };
                if !self.dry_run {
                    store::insert_person(self.db, &person).await?;
                    if let Some(role) = staff_role {
                        store::grant_staff_role(self.db, person.id, self.school_id, role.as_str())
                            .await?;
                    }
                }
                self.remember("user", &row.sourced_id, person.id).await?;
                Outcome::Created
            }
        };
        report.count(outcome);
        Ok(())
    }

    /// Guardian links from `agentSourcedIds`, in whichever direction the file gives them.
    async fn agents(&mut self, line: u64, row: &UserRow, report: &mut Report) -> Result<()> {
        let Some(me) = self.known("user", &row.sourced_id) else {
            return Ok(());
        };
        for agent in row
            .agent_sourced_ids
            .split(',')
            .map(str::trim)
            .filter(|agent| !agent.is_empty())
        {
            let Some(other) = self.known("user", agent) else {
                report.refuse(
                    USERS,
                    line,
                    "agentSourcedIds",
                    format!("{agent:?} is not a user of this roster"),
                );
                continue;
            };
            let (guardian, student) = match row.role.as_str() {
                "student" => (other, me),
                _ => (me, other),
            };
            let kinds = (
                store::get_person(self.db, guardian)
                    .await?
                    .and_then(|p| p.kind()),
                store::get_person(self.db, student)
                    .await?
                    .and_then(|p| p.kind()),
            );
            if !self.dry_run && kinds != (Some(PersonKind::Guardian), Some(PersonKind::Student)) {
                report.refuse(
                    USERS,
                    line,
                    "agentSourcedIds",
                    format!("{agent:?} must link a guardian and a student"),
                );
                continue;
            }
            if self.dry_run || store::is_guardian(self.db, guardian, student).await? {
                continue;
            }
            let link = Guardianship {
                guardian_id: guardian,
                student_id: student,
                school_id: self.school_id,
                created_at: Utc::now(),
            };
            store::link_guardian(self.db, &link).await?;
        }
        Ok(())
    }

    async fn class(&mut self, line: u64, row: &ClassRow, report: &mut Report) -> Result<()> {
        if row.status == "tobedeleted" {
            return Ok(());
        }
        match row.class_type.as_str() {
            "homeroom" => {}
            "scheduled" => {
                let subject = row.subjects.split(',').next().unwrap_or("").trim();
                if subject.is_empty() || subject.chars().count() > 100 {
                    report.refuse(
                        CLASSES,
                        line,
                        "subjects",
                        "a scheduled class needs its subject (1–100 characters)",
                    );
                    return Ok(());
                }
                let title = row.title.trim();
                if title.is_empty() || title.chars().count() > 100 {
                    report.refuse(CLASSES, line, "title", "must be 1–100 characters");
                    return Ok(());
                }
                self.scheduled.insert(
                    row.sourced_id.clone(),
                    ScheduledClass {
                        line,
                        title: title.to_owned(),
                        subject: subject.to_owned(),
                        ..ScheduledClass::default()
                    },
                );
                return Ok(());
            }
            _ => {
                report.refuse(CLASSES, line, "classType", "must be homeroom or scheduled");
                return Ok(());
            }
        }
        let (grade_level, letter) = match class_name(&row.title, &row.grades) {
            Ok(name) => name,
            Err((field, description)) => {
                report.refuse(CLASSES, line, field, description);
                return Ok(());
            }
        };
        let academic_year =
            otmetka_platform::time::academic_year_start(Utc::now().date_naive()).year();
        if let Some(id) = self.known("class", &row.sourced_id) {
            let class = store::get_class(self.db, id).await?;
            let same = class.is_some_and(|c| c.grade_level == grade_level && c.letter == letter);
            report.count(if same {
                Outcome::Unchanged
            } else {
                Outcome::Updated
            });
            if !same && !self.dry_run {
                store::rename_class(self.db, id, grade_level, &letter).await?;
            }
            return Ok(());
        }
        // A class made by hand with the same name is adopted, not duplicated.
        let existing =
            store::find_class(self.db, self.school_id, academic_year, grade_level, &letter).await?;
        let id = match existing {
            Some(id) => id,
            None => {
                let class = Class {
                    id: Uuid::now_v7(),
                    school_id: self.school_id,
                    grade_level,
                    letter,
                    academic_year,
                    class_teacher_id: None,
                    created_at: Utc::now(),
                };
                if !self.dry_run {
                    store::insert_class(self.db, &class).await?;
                }
                class.id
            }
        };
        self.remember("class", &row.sourced_id, id).await?;
        report.count(if existing.is_some() {
            Outcome::Unchanged
        } else {
            Outcome::Created
        });
        Ok(())
    }

    async fn enrollment(
        &mut self,
        line: u64,
        row: &EnrollmentRow,
        report: &mut Report,
    ) -> Result<()> {
        if row.status == "tobedeleted" {
            return Ok(());
        }
        if self.scheduled.contains_key(&row.class_sourced_id) {
            return self.scheduled_enrollment(line, row, report).await;
        }
        let Some(class_id) = self.known("class", &row.class_sourced_id) else {
            report.refuse(
                ENROLLMENTS,
                line,
                "classSourcedId",
                format!("{:?} is not a class of this roster", row.class_sourced_id),
            );
            return Ok(());
        };
        let Some(person_id) = self.known("user", &row.user_sourced_id) else {
            report.refuse(
                ENROLLMENTS,
                line,
                "userSourcedId",
                format!("{:?} is not a user of this roster", row.user_sourced_id),
            );
            return Ok(());
        };
        let start = if row.begin_date.is_empty() {
            otmetka_platform::time::academic_year_start(Utc::now().date_naive())
        } else {
            match NaiveDate::parse_from_str(&row.begin_date, "%Y-%m-%d") {
                Ok(date) => date,
                Err(_) => {
                    report.refuse(
                        ENROLLMENTS,
                        line,
                        "beginDate",
                        "must be a date as YYYY-MM-DD",
                    );
                    return Ok(());
                }
            }
        };
        match row.role.as_str() {
            "student" => {
                self.homerooms.insert(person_id, class_id);
                let current = store::membership_on(self.db, person_id, start).await?;
                if current.is_some_and(|m| m.class_id == class_id && m.start_date == start) {
                    report.count(Outcome::Unchanged);
                    return Ok(());
                }
                if !self.dry_run {
                    let membership = Membership {
                        student_id: person_id,
                        class_id,
                        school_id: self.school_id,
                        start_date: start,
                        end_date: None,
                    };
                    store::enroll(self.db, &membership).await?;
                }
                report.count(Outcome::Created);
            }
            "teacher" if row.primary == "true" => {
                let class = store::get_class(self.db, class_id).await?;
                if class.is_some_and(|c| c.class_teacher_id == Some(person_id)) {
                    report.count(Outcome::Unchanged);
                    return Ok(());
                }
                if !self.dry_run {
                    store::set_class_teacher(self.db, class_id, person_id).await?;
                }
                report.count(Outcome::Updated);
            }
            "teacher" => report.refuse(
                ENROLLMENTS,
                line,
                "primary",
                "a homeroom takes only its primary teacher (the class teacher); subject teachers enroll in scheduled classes",
            ),
            other => report.refuse(
                ENROLLMENTS,
                line,
                "role",
                format!("{other:?} is not student or teacher"),
            ),
        }
        Ok(())
    }

    /// Notes a student or teacher of a scheduled class, for
    /// [`Self::scheduled_class`].
    async fn scheduled_enrollment(
        &mut self,
        line: u64,
        row: &EnrollmentRow,
        report: &mut Report,
    ) -> Result<()> {
        let Some(person_id) = self.known("user", &row.user_sourced_id) else {
            report.refuse(
                ENROLLMENTS,
                line,
                "userSourcedId",
                format!("{:?} is not a user of this roster", row.user_sourced_id),
            );
            return Ok(());
        };
        let class = self
            .scheduled
            .get_mut(&row.class_sourced_id)
            .expect("a scheduled class of this file");
        match row.role.as_str() {
            "student" => class.students.push((line, person_id)),
            "teacher" => class.teachers.push((line, person_id)),
            other => report.refuse(
                ENROLLMENTS,
                line,
                "role",
                format!("{other:?} is not student or teacher"),
            ),
        }
        Ok(())
    }

    /// Turns a scheduled class into teaching assignments: its subject, the
    /// homeroom its students share (or a group of it) and its teachers.
    async fn scheduled_class(&mut self, class: &ScheduledClass, report: &mut Report) -> Result<()> {
        let today = Utc::now().date_naive();
        let mut homerooms = Vec::new();
        for (_, student) in &class.students {
            if let Some(homeroom) = self.homerooms.get(student) {
                homerooms.push(*homeroom);
            } else if let Some(membership) = store::membership_on(self.db, *student, today).await? {
                homerooms.push(membership.class_id);
            }
        }
        homerooms.sort();
        homerooms.dedup();
        let homeroom = match homerooms.as_slice() {
            [homeroom] => *homeroom,
            [] => {
                report.refuse(
                    CLASSES,
                    class.line,
                    "sourcedId",
                    format!(
                        "scheduled class {:?} has no student enrolled in a homeroom, so its class is unknown",
                        class.title
                    ),
                );
                return Ok(());
            }
            _ => {
                report.refuse(
                    CLASSES,
                    class.line,
                    "sourcedId",
                    format!(
                        "scheduled class {:?} mixes students of several homerooms",
                        class.title
                    ),
                );
                return Ok(());
            }
        };
        let mut outcome = Outcome::Unchanged;
        let subject_id = match store::find_subject(self.db, self.school_id, &class.subject).await? {
            Some(id) => id,
            None => {
                let subject = Subject {
                    id: Uuid::now_v7(),
                    school_id: self.school_id,
                    name: class.subject.clone(),
                };
                if !self.dry_run {
                    store::insert_subject(self.db, &subject).await?;
                }
                outcome = Outcome::Created;
                subject.id
            }
        };
        let mut students: Vec<Uuid> = class.students.iter().map(|(_, id)| *id).collect();
        students.sort();
        students.dedup();
        let mut homeroom_students = store::class_student_ids(self.db, homeroom, today).await?;
        homeroom_students.extend(
            self.homerooms
                .iter()
                .filter(|(_, class_id)| **class_id == homeroom)
                .map(|(student, _)| *student),
        );
        homeroom_students.sort();
        homeroom_students.dedup();
        let whole_class = homeroom_students == students;
        let group_id = if whole_class {
            None
        } else {
            Some(
                self.group_of(homeroom, class, &students, &mut outcome)
                    .await?,
            )
        };
        report.count(outcome);
        for (_, teacher_id) in &class.teachers {
            let assignment = TeachingAssignment {
                id: Uuid::now_v7(),
                school_id: self.school_id,
                teacher_id: *teacher_id,
                class_id: homeroom,
                subject_id,
                group_id,
            };
            if store::has_assignment(self.db, &assignment).await? {
                report.count(Outcome::Unchanged);
                continue;
            }
            if !self.dry_run {
                store::insert_assignment(self.db, &assignment).await?;
            }
            report.count(Outcome::Created);
        }
        Ok(())
    }

    /// The homeroom's group named after the scheduled class, made or
    /// completed so that it holds the class's students.
    async fn group_of(
        &mut self,
        homeroom: Uuid,
        class: &ScheduledClass,
        students: &[Uuid],
        outcome: &mut Outcome,
    ) -> Result<Uuid> {
        if let Some(id) = store::find_group(self.db, homeroom, &class.title).await? {
            let members = store::group_students(self.db, id).await?;
            let missing: Vec<Uuid> = students
                .iter()
                .filter(|student| !members.contains(student))
                .copied()
                .collect();
            if !missing.is_empty() {
                if !self.dry_run {
                    store::add_group_students(self.db, id, &missing).await?;
                }
                *outcome = Outcome::Updated;
            }
            return Ok(id);
        }
        let group = Group {
            id: Uuid::now_v7(),
            school_id: self.school_id,
            class_id: homeroom,
            name: class.title.clone(),
            student_ids: students.to_vec(),
        };
        if !self.dry_run {
            store::insert_group(self.db, &group).await?;
        }
        *outcome = Outcome::Created;
        Ok(group.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_come_from_title_and_grade() {
        assert_eq!(class_name("5А", "05"), Ok((5, "А".to_owned())));
        assert_eq!(class_name("11 б", "11"), Ok((11, "Б".to_owned())));
        assert_eq!(class_name("0 Б", "KG"), Ok((0, "Б".to_owned())));
        assert!(class_name("5А", "13").is_err());
        assert!(class_name("5", "05").is_err());
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
