//! What a OneRoster set asks for, row by row, in the vendor API's terms:
//! id mappings from the roster files (`roster`), mark operations from the
//! gradebook files (`marks`). Each readable row gives exactly one step
//! (send, skip or reject), so a step's place in its file is stable from one
//! run to the next and a resumed load can skip what was acknowledged.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use otmetka_proto::import::v1 as pb;

use crate::manifest::Manifest;
use crate::rejects::Reject;
use crate::table::{self, Table};
use crate::values;

/// The extension column holding a row's platform id.
pub const METADATA_ID: &str = "metadata.otmetka.id";
pub const RESULTS: &str = "results.csv";
pub(crate) const UNMAPPED: &str = "unmapped_sourced_id";
pub(crate) const BAD_DATE: &str = "bad_date";
pub(crate) const MISSING_VALUE: &str = "missing_value";

/// Files read, with their required columns, in the order they are handled.
pub const ROSTER_FILES: [(&str, &[&str]); 7] = [
    ("orgs.csv", &["sourcedId"]),
    (
        "academicSessions.csv",
        &["sourcedId", "type", "startDate", "endDate"],
    ),
    ("courses.csv", &["sourcedId"]),
    ("classes.csv", &["sourcedId", "courseSourcedId"]),
    ("roles.csv", &["userSourcedId", "role"]),
    ("users.csv", &["sourcedId"]),
    (
        "enrollments.csv",
        &["sourcedId", "classSourcedId", "userSourcedId", "role"],
    ),
];
pub const GRADEBOOK_FILES: [(&str, &[&str]); 4] = [
    ("categories.csv", &["sourcedId"]),
    ("scoreScales.csv", &["sourcedId", "scoreScaleValue"]),
    ("lineItems.csv", &["sourcedId", "classSourcedId", "dueDate"]),
    (
        RESULTS,
        &[
            "sourcedId",
            "lineItemSourcedId",
            "studentSourcedId",
            "scoreStatus",
            "dateLastModified",
        ],
    ),
];

/// Where a sent item came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub line: u64,
    pub sourced_id: String,
}

/// One row's step.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<T> {
    Send(T, Origin),
    Skip,
    Reject(Reject),
}

/// The steps of one file, in line order.
#[derive(Debug, Clone)]
pub struct FileSteps<T> {
    pub file: String,
    pub steps: Vec<Step<T>>,
}

/// Platform ids by entity type and the vendor's external id.
pub type Known = HashMap<(pb::EntityType, String), String>;

/// The readable files of a set.
#[derive(Debug, Default)]
pub struct Files {
    pub tables: BTreeMap<String, Table>,
    /// Problems with files as a whole, and with unreadable rows.
    pub rejects: Vec<Reject>,
    /// What was left out, for people.
    pub notes: Vec<String>,
}

impl Files {
    /// Reads the files the manifest lists, as far as they can be read.
    pub fn read(manifest: &Manifest, contents: &BTreeMap<String, Vec<u8>>) -> Self {
        let mut files = Files::default();
        let known: Vec<&str> = ROSTER_FILES
            .iter()
            .chain(GRADEBOOK_FILES.iter())
            .map(|(name, _)| *name)
            .collect();
        for (name, required) in ROSTER_FILES.iter().chain(GRADEBOOK_FILES.iter()) {
            if manifest.mode(name).is_none() {
                if contents.contains_key(*name) {
                    files
                        .notes
                        .push(format!("{name} is left out: the manifest marks it absent"));
                }
                continue;
            }
            let Some(bytes) = contents.get(*name) else {
                files.rejects.push(Reject::file(
                    name,
                    0,
                    "",
                    "missing_file",
                    "the manifest lists it, but the set does not hold it",
                ));
                continue;
            };
            if let Some(table) = table::read(name, bytes, required, &mut files.rejects) {
                files.tables.insert((*name).to_owned(), table);
            }
        }
        for name in manifest.files.keys() {
            if !known.contains(&name.as_str()) {
                files
                    .notes
                    .push(format!("{name} is not used: it has no counterpart here"));
            }
        }
        if files.tables.contains_key("categories.csv") {
            files.notes.push(
                "categories.csv is checked only: marks take the school's default work type".into(),
            );
        }
        files
    }

    pub(crate) fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    /// The school a set is for: the one school in orgs.csv with a platform id.
    pub fn school_id(&self) -> Option<String> {
        let orgs = self.table("orgs.csv")?;
        let schools: HashSet<&str> = orgs
            .rows
            .iter()
            .filter(|row| orgs.get(row, "type") == "school")
            .map(|row| orgs.get(row, METADATA_ID))
            .filter(|id| !id.is_empty())
            .collect();
        (schools.len() == 1).then(|| schools.into_iter().next().unwrap_or_default().to_owned())
    }

    /// The date spans of the academic sessions in the set.
    pub fn sessions(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let Some(sessions) = self.table("academicSessions.csv") else {
            return Vec::new();
        };
        sessions
            .rows
            .iter()
            .filter_map(|row| {
                Some((
                    values::date(sessions.get(row, "startDate"))?,
                    values::date(sessions.get(row, "endDate"))?,
                ))
            })
            .collect()
    }
}

pub(crate) fn unmapped(
    file: &str,
    line: u64,
    sourced_id: &str,
    field: &str,
    kind: pb::EntityType,
) -> Reject {
    Reject::row(
        file,
        line,
        sourced_id,
        field,
        UNMAPPED,
        format!(
            "no {} is mapped to this sourcedId: give its platform id in {METADATA_ID}, \
             or map it first",
            kind.as_str_name()
                .trim_start_matches("ENTITY_TYPE_")
                .to_lowercase()
                .replace('_', " ")
        ),
    )
}
