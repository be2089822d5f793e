//! Roster files (orgs, academicSessions, courses, classes, users, roles,
//! enrollments) as id mappings. They never change the platform roster: a
//! row carrying the platform id in `metadata.otmetka.id` maps its
//! sourcedId to it, any other row's sourcedId must already be mapped.

use std::collections::HashMap;

use otmetka_proto::import::v1 as pb;

use crate::plan::{
    BAD_DATE, FileSteps, Files, Known, METADATA_ID, MISSING_VALUE, Origin, ROSTER_FILES, Step,
    unmapped,
};
use crate::rejects::{Refused, Reject};
use crate::table::{Row, Table};
use crate::values;

impl Files {
    /// A user's role: from users.csv (as OneRoster 1.1 wrote it), else
    /// roles.csv, else their enrollments.
    fn roles(&self) -> HashMap<String, String> {
        let mut roles = HashMap::new();
        for (file, user_column) in [
            ("enrollments.csv", "userSourcedId"),
            ("roles.csv", "userSourcedId"),
            ("users.csv", "sourcedId"),
        ] {
            if let Some(table) = self.table(file) {
                for row in &table.rows {
                    let role = table.get(row, "role");
                    if !role.is_empty() {
                        roles.insert(table.get(row, user_column).to_owned(), role.to_owned());
                    }
                }
            }
        }
        roles
    }

    /// The id mappings the roster files ask for, file by file. `known` are
    /// the mappings already stored.
    pub fn mapping_steps(&self, known: &Known) -> Vec<FileSteps<pb::IdMapping>> {
        let roles = self.roles();
        let mut all = Vec::new();
        for (file, _) in ROSTER_FILES {
            let Some(table) = self.table(file) else {
                continue;
            };
            let steps = table
                .rows
                .iter()
                .map(|row| mapping_step(table, row, &roles, known))
                .collect();
            all.push(FileSteps {
                file: file.to_owned(),
                steps,
            });
        }
        all
    }
}

/// The entity type a roster row maps to, if any.
fn entity_type(
    table: &Table,
    row: &Row,
    roles: &HashMap<String, String>,
) -> Result<Option<pb::EntityType>, Refused> {
    use pb::EntityType as T;
    let file = table.file.as_str();
    Ok(match file {
        "orgs.csv" => (table.get(row, "type") == "school").then_some(T::School),
        "academicSessions.csv" => {
            for column in ["startDate", "endDate"] {
                if values::date(table.get(row, column)).is_none() {
                    return Err(Box::new(Reject::row(
                        file,
                        row.line,
                        table.get(row, "sourcedId"),
                        column,
                        BAD_DATE,
                        format!("{:?} is not a date (YYYY-MM-DD)", table.get(row, column)),
                    )));
                }
            }
            // A school year has no counterpart to map; its dates still count.
            (table.get(row, "type") != "schoolYear").then_some(T::ReportingPeriod)
        }
        "courses.csv" => Some(T::Subject),
        "classes.csv" => Some(T::Class),
        "users.csv" => {
            let sourced_id = table.get(row, "sourcedId");
            match roles.get(sourced_id).map(String::as_str) {
                Some("student") => Some(T::Student),
                Some("teacher") => Some(T::Teacher),
                Some(_) => None,
                None => {
                    return Err(Box::new(Reject::row(
                        file,
                        row.line,
                        sourced_id,
                        "role",
                        "unknown_role",
                        "the user's role is given neither in users.csv, roles.csv nor enrollments.csv",
                    )));
                }
            }
        }
        "enrollments.csv" => Some(T::Enrollment),
        _ => None,
    })
}

fn mapping_step(
    table: &Table,
    row: &Row,
    roles: &HashMap<String, String>,
    known: &Known,
) -> Step<pb::IdMapping> {
    let file = table.file.as_str();
    let sourced_id = table.get(row, "sourcedId");
    if table.get(row, "status") == "tobedeleted" {
        // Mappings stay: records already stored keep their platform ids.
        return Step::Skip;
    }
    let kind = match entity_type(table, row, roles) {
        Ok(Some(kind)) => kind,
        Ok(None) => return Step::Skip,
        Err(reject) => return Step::Reject(*reject),
    };
    if sourced_id.is_empty() {
        return Step::Reject(Reject::row(
            file,
            row.line,
            "",
            "sourcedId",
            MISSING_VALUE,
            "is required",
        ));
    }
    let platform_id = table.get(row, METADATA_ID);
    if !platform_id.is_empty() {
        return Step::Send(
            pb::IdMapping {
                entity_type: kind.into(),
                external_id: sourced_id.to_owned(),
                platform_id: platform_id.to_owned(),
                ..Default::default()
            },
            Origin {
                line: row.line,
                sourced_id: sourced_id.to_owned(),
            },
        );
    }
    if known.contains_key(&(kind, sourced_id.to_owned())) {
        return Step::Skip;
    }
    Step::Reject(unmapped(file, row.line, sourced_id, "sourcedId", kind))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::manifest::Manifest;

    fn steps(files: &[(&str, &str)], known: &Known) -> Vec<(String, Vec<Step<pb::IdMapping>>)> {
        let mut manifest =
            String::from("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n");
        let mut contents = BTreeMap::new();
        for (name, text) in files {
            manifest.push_str(&format!("file.{},bulk\n", name.trim_end_matches(".csv")));
            contents.insert((*name).to_owned(), text.as_bytes().to_vec());
        }
        contents.insert("manifest.csv".into(), manifest.into_bytes());
        let manifest = Manifest::parse(&contents["manifest.csv"], &mut Vec::new()).unwrap();
        let files = Files::read(&manifest, &contents);
        files
            .mapping_steps(known)
            .into_iter()
            .map(|f| (f.file, f.steps))
            .collect()
    }

    fn summary(step: &Step<pb::IdMapping>) -> String {
        match step {
            Step::Send(mapping, origin) => format!(
                "{} {} → {} (line {})",
                mapping.entity_type().as_str_name(),
                mapping.external_id,
                mapping.platform_id,
                origin.line
            ),
            Step::Skip => "skip".into(),
            Step::Reject(reject) => format!("{} {}", reject.field, reject.code),
        }
    }

    #[test]
    fn rows_map_their_sourced_ids_or_must_be_mapped_already() {
        let mut known = Known::new();
        known.insert(
            (pb::EntityType::Subject, "c-known".into()),
            "subject-1".into(),
        );
        let found = steps(
            &[
                (
                    "orgs.csv",
                    "sourcedId,type,metadata.otmetka.id\norg-1,school,school-1\norg-2,district,\n",
                ),
                (
                    "academicSessions.csv",
                    "sourcedId,type,startDate,endDate,metadata.otmetka.id\n\
                     y-1,schoolYear,2026-09-01,2027-05-31,\n\
                     t-1,gradingPeriod,2026-11-01,2026-12-28,period-1\n\
                     t-2,term,2026-13-01,2027-03-20,period-2\n",
                ),
                (
                    "courses.csv",
                    "sourcedId,metadata.otmetka.id\nc-known,\nc-new,subject-2\nc-unknown,\n",
                ),
                (
                    "users.csv",
                    "sourcedId,metadata.otmetka.id\nu-s,student-1\nu-t,teacher-1\nu-p,\nu-x,person-9\n",
                ),
                (
                    "enrollments.csv",
                    "sourcedId,classSourcedId,userSourcedId,role,metadata.otmetka.id\n\
                     e-1,cl-1,u-s,student,enrollment-1\ne-2,cl-1,u-t,teacher,enrollment-2\n\
                     e-3,cl-1,u-p,parent,\n",
                ),
            ],
            &known,
        );
        let found: Vec<(String, Vec<String>)> = found
            .into_iter()
            .map(|(file, steps)| (file, steps.iter().map(summary).collect()))
            .collect();
        let expect = |file: &str, steps: &[&str]| {
            (
                file.to_owned(),
                steps.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            found,
            [
                expect(
                    "orgs.csv",
                    &["ENTITY_TYPE_SCHOOL org-1 → school-1 (line 2)", "skip"]
                ),
                expect(
                    "academicSessions.csv",
                    &[
                        "skip",
                        "ENTITY_TYPE_REPORTING_PERIOD t-1 → period-1 (line 3)",
                        "startDate bad_date",
                    ]
                ),
                expect(
                    "courses.csv",
                    &[
                        "skip",
                        "ENTITY_TYPE_SUBJECT c-new → subject-2 (line 3)",
                        "sourcedId unmapped_sourced_id",
                    ]
                ),
                expect(
                    "users.csv",
                    &[
                        "ENTITY_TYPE_STUDENT u-s → student-1 (line 2)",
                        "ENTITY_TYPE_TEACHER u-t → teacher-1 (line 3)",
                        "skip",
                        "role unknown_role",
                    ]
                ),
                expect(
                    "enrollments.csv",
                    &[
                        "ENTITY_TYPE_ENROLLMENT e-1 → enrollment-1 (line 2)",
                        "ENTITY_TYPE_ENROLLMENT e-2 → enrollment-2 (line 3)",
                        "sourcedId unmapped_sourced_id",
                    ]
                ),
            ]
        );
    }
}
