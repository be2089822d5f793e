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

use otmetka_platform::Result;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::ids::{ClassId, SchoolId, StudentId};
use uuid::Uuid;

use crate::store;
use parse::{ClassRow, EnrollmentRow, UserRow, rows};
use scheduled::ScheduledClass;

mod classes;
mod enrollments;

pub(crate) mod parse;
mod scheduled;
mod users;

pub const USERS: &str = "users.csv";
pub const CLASSES: &str = "classes.csv";
pub const ENROLLMENTS: &str = "enrollments.csv";

/// The columns each file must have; a file without one is refused whole.
pub const USER_COLUMNS: [&str; 4] = ["sourcedId", "role", "givenName", "familyName"];
pub const CLASS_COLUMNS: [&str; 4] = ["sourcedId", "title", "grades", "classType"];
pub const ENROLLMENT_COLUMNS: [&str; 3] = ["classSourcedId", "userSourcedId", "role"];

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

/// Loads the roster files into `school_id`. `dry_run` checks and counts
/// without writing. The academic year, default enrollment starts and the
/// homerooms of scheduled classes are read on `clock`'s date.
pub async fn import(
    db: &Db,
    clock: &Clock,
    school_id: SchoolId,
    files: &HashMap<String, Vec<u8>>,
    dry_run: bool,
) -> Result<Report> {
    let mut report = Report::default();
    let mut loader = Loader {
        db,
        clock,
        school_id,
        dry_run,
        sources: store::roster_sources(db, school_id).await?,
        scheduled: HashMap::new(),
        homerooms: HashMap::new(),
    };
    if let Some(content) = files.get(USERS) {
        let users: Vec<(u64, UserRow)> = rows(USERS, content, &USER_COLUMNS, &mut report);
        for (line, user) in &users {
            loader.user(*line, user, &mut report).await?;
        }
        for (line, user) in &users {
            loader.agents(*line, user, &mut report).await?;
        }
    }
    if let Some(content) = files.get(CLASSES) {
        for (line, class) in rows::<ClassRow>(CLASSES, content, &CLASS_COLUMNS, &mut report) {
            loader.class(line, &class, &mut report).await?;
        }
    }
    if let Some(content) = files.get(ENROLLMENTS) {
        for (line, enrollment) in
            rows::<EnrollmentRow>(ENROLLMENTS, content, &ENROLLMENT_COLUMNS, &mut report)
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
    clock: &'a Clock,
    school_id: SchoolId,
    dry_run: bool,
    /// (kind, sourcedId) → platform id, for this school: the kind says
    /// whose id it is.
    sources: HashMap<(String, String), Uuid>,
    /// The file's scheduled classes by sourcedId, resolved once every
    /// enrollment is read.
    scheduled: HashMap<String, ScheduledClass>,
    /// Homerooms this load puts students in (so that a dry run resolves
    /// scheduled classes as the load would).
    homerooms: HashMap<StudentId, ClassId>,
}

impl Loader<'_> {
    fn known<Id: From<Uuid>>(&self, kind: &str, sourced_id: &str) -> Option<Id> {
        self.sources
            .get(&(kind.to_owned(), sourced_id.to_owned()))
            .map(|id| Id::from(*id))
    }

    async fn remember(&mut self, kind: &str, sourced_id: &str, id: impl Into<Uuid>) -> Result<()> {
        let id = id.into();
        if !self.dry_run {
            store::remember_roster_source(self.db, self.school_id, kind, sourced_id, id).await?;
        }
        self.sources
            .insert((kind.to_owned(), sourced_id.to_owned()), id);
        Ok(())
    }
}
