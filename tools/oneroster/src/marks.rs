//! Gradebook files as mark operations: categories are only checked,
//! scoreScales must use a platform scale, lineItems give each mark its date
//! and subject, and each results row is one mark record keyed by its
//! sourcedId with its dateLastModified as the revision.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use otmetka_proto::import::v1 as pb;

use crate::manifest::{Manifest, Mode};
use crate::plan::{
    BAD_DATE, FileSteps, Files, Known, MISSING_VALUE, Origin, RESULTS, Step, UNMAPPED, unmapped,
};
use crate::rejects::{Refused, Reject};
use crate::table::{Row, Table};
use crate::values;

/// A line item as a mark needs it: its date and the platform subject.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LineItem {
    date: NaiveDate,
    subject_id: String,
}

/// The mark operations of a set and what came of its gradebook files.
#[derive(Debug, Default)]
pub struct Marks {
    /// categories, scoreScales and lineItems (rejects only), then results.
    pub files: Vec<FileSteps<pb::RecordOperation>>,
    /// results.csv's mode, when it is in the set.
    pub mode: Option<Mode>,
    /// Every sourcedId results.csv holds, rejected rows included: a record
    /// the file still names is never withdrawn for being missing.
    pub named: HashSet<String>,
}

impl Files {
    /// The mark operations for `school_id`, with platform ids from `known`.
    pub fn mark_steps(&self, manifest: &Manifest, school_id: &str, known: &Known) -> Marks {
        let mut marks = Marks {
            // Only a results file that could be read has a mode to follow.
            mode: self.table(RESULTS).and(manifest.mode(RESULTS)),
            ..Marks::default()
        };
        if let Some(table) = self.table("categories.csv") {
            marks.files.push(check_only(table, |_, _| None));
        }
        if let Some(table) = self.table("scoreScales.csv") {
            marks.files.push(check_only(table, |table, row| {
                let field = table.get(row, "scoreScaleValue");
                let found = values::scale_values(field);
                values::platform_scale(&found).err().map(|value| {
                    Reject::row(
                        &table.file,
                        row.line,
                        table.get(row, "sourcedId"),
                        "scoreScaleValue",
                        "unknown_scale_value",
                        if value.is_empty() {
                            "lists no values".to_owned()
                        } else {
                            format!(
                                "{value:?} is on none of the platform's scales \
                                 (five-point 1–5, ten-point, hundred-point, pass/fail)"
                            )
                        },
                    )
                })
            }));
        }
        let mut line_items: HashMap<String, Result<LineItem, u64>> = HashMap::new();
        if let Some(table) = self.table("lineItems.csv") {
            let steps = table
                .rows
                .iter()
                .map(|row| {
                    let sourced_id = table.get(row, "sourcedId").to_owned();
                    match self.line_item(table, row, known) {
                        Ok(item) => {
                            line_items.insert(sourced_id, Ok(item));
                            Step::Skip
                        }
                        Err(reject) => {
                            line_items.insert(sourced_id, Err(row.line));
                            Step::Reject(*reject)
                        }
                    }
                })
                .collect();
            marks.files.push(FileSteps {
                file: table.file.clone(),
                steps,
            });
        }
        if let Some(table) = self.table(RESULTS) {
            let steps = table
                .rows
                .iter()
                .map(|row| {
                    marks.named.insert(table.get(row, "sourcedId").to_owned());
                    result_step(table, row, school_id, &line_items, known)
                })
                .collect();
            marks.files.push(FileSteps {
                file: table.file.clone(),
                steps,
            });
        }
        marks
    }

    fn line_item(&self, table: &Table, row: &Row, known: &Known) -> Result<LineItem, Refused> {
        let file = table.file.as_str();
        let sourced_id = table.get(row, "sourcedId");
        let reject = |field: &str, code: &str, message: String| {
            Box::new(Reject::row(
                file, row.line, sourced_id, field, code, message,
            ))
        };
        let due = table.get(row, "dueDate");
        let date = values::date(due)
            .ok_or_else(|| reject("dueDate", BAD_DATE, format!("{due:?} is not a date")))?;
        let assigned = table.get(row, "assignDate");
        if !assigned.is_empty() && values::date(assigned).is_none() {
            return Err(reject(
                "assignDate",
                BAD_DATE,
                format!("{assigned:?} is not a date"),
            ));
        }
        let class_id = table.get(row, "classSourcedId");
        let course = self.table("classes.csv").and_then(|classes| {
            classes
                .rows
                .iter()
                .find(|class| classes.get(class, "sourcedId") == class_id)
                .map(|class| classes.get(class, "courseSourcedId"))
        });
        let Some(course) = course else {
            return Err(reject(
                "classSourcedId",
                UNMAPPED,
                format!("class {class_id:?} is not in classes.csv, so its subject is unknown"),
            ));
        };
        let subject_id = known
            .get(&(pb::EntityType::Subject, course.to_owned()))
            .ok_or_else(|| {
                Box::new(unmapped(
                    file,
                    row.line,
                    sourced_id,
                    "classSourcedId",
                    pb::EntityType::Subject,
                ))
            })?;
        Ok(LineItem {
            date,
            subject_id: subject_id.clone(),
        })
    }
}

/// Steps of a file that is only checked: a reject where `check` finds one.
fn check_only(
    table: &Table,
    check: impl Fn(&Table, &Row) -> Option<Reject>,
) -> FileSteps<pb::RecordOperation> {
    FileSteps {
        file: table.file.clone(),
        steps: table
            .rows
            .iter()
            .map(|row| check(table, row).map_or(Step::Skip, Step::Reject))
            .collect(),
    }
}

fn result_step(
    table: &Table,
    row: &Row,
    school_id: &str,
    line_items: &HashMap<String, Result<LineItem, u64>>,
    known: &Known,
) -> Step<pb::RecordOperation> {
    match result_operation(table, row, school_id, line_items, known) {
        Ok(operation) => Step::Send(
            operation,
            Origin {
                line: row.line,
                sourced_id: table.get(row, "sourcedId").to_owned(),
            },
        ),
        Err(reject) => Step::Reject(*reject),
    }
}

/// One results row as one mark operation.
fn result_operation(
    table: &Table,
    row: &Row,
    school_id: &str,
    line_items: &HashMap<String, Result<LineItem, u64>>,
    known: &Known,
) -> Result<pb::RecordOperation, Refused> {
    let file = table.file.as_str();
    let sourced_id = table.get(row, "sourcedId");
    let reject = |field: &str, code: &str, message: String| {
        Box::new(Reject::row(
            file, row.line, sourced_id, field, code, message,
        ))
    };
    if sourced_id.is_empty() {
        return Err(reject("sourcedId", MISSING_VALUE, "is required".into()));
    }
    let modified = table.get(row, "dateLastModified");
    let revision = values::revision(modified).ok_or_else(|| {
        reject(
            "dateLastModified",
            BAD_DATE,
            format!("{modified:?} is not a date-time (it is the record's revision)"),
        )
    })?;
    let mut operation = pb::RecordOperation {
        school_id: school_id.to_owned(),
        record_type: pb::RecordType::Mark.into(),
        vendor_record_id: sourced_id.to_owned(),
        revision,
        ..Default::default()
    };
    if table.get(row, "status") == "tobedeleted" {
        operation.action = pb::RecordAction::Delete.into();
        return Ok(operation);
    }
    let scored = table.get(row, "scoreDate");
    if !scored.is_empty() && values::date(scored).is_none() {
        return Err(reject(
            "scoreDate",
            BAD_DATE,
            format!("{scored:?} is not a date"),
        ));
    }
    let status = table.get(row, "scoreStatus");
    if !matches!(status, "fully graded" | "partially graded") {
        return Err(reject(
            "scoreStatus",
            "not_graded",
            format!("{status:?} gives no mark; only graded results are loaded"),
        ));
    }
    let item_id = table.get(row, "lineItemSourcedId");
    let item = match line_items.get(item_id) {
        Some(Ok(item)) => item,
        Some(Err(line)) => {
            return Err(reject(
                "lineItemSourcedId",
                "rejected_line_item",
                format!("the line item was rejected (lineItems.csv line {line})"),
            ));
        }
        None => {
            return Err(reject(
                "lineItemSourcedId",
                UNMAPPED,
                format!("line item {item_id:?} is not in lineItems.csv"),
            ));
        }
    };
    let student = table.get(row, "studentSourcedId");
    let Some(student_id) = known.get(&(pb::EntityType::Student, student.to_owned())) else {
        return Err(Box::new(unmapped(
            file,
            row.line,
            sourced_id,
            "studentSourcedId",
            pb::EntityType::Student,
        )));
    };
    let value = values::mark_value(table.get(row, "score"), table.get(row, "textScore"))
        .ok_or_else(|| {
            reject(
                "score",
                MISSING_VALUE,
                "a graded result needs a score".into(),
            )
        })?;
    let platform = |id: &str| {
        Some(pb::EntityRef {
            reference: Some(pb::entity_ref::Reference::Id(id.to_owned())),
        })
    };
    operation.action = pb::RecordAction::Upsert.into();
    operation.payload = Some(pb::record_operation::Payload::Mark(pb::MarkRecord {
        student: platform(student_id),
        subject: platform(&item.subject_id),
        kind: pb::MarkKind::Current.into(),
        date: item.date.to_string(),
        value,
        comment: table.get(row, "comment").to_owned(),
        ..Default::default()
    }));
    Ok(operation)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    const SCHOOL: &str = "school";
    const MANIFEST: &str = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n\
        file.classes,bulk\nfile.lineItems,bulk\nfile.results,delta\n";
    const CLASSES: &str = "sourcedId,courseSourcedId\ncl-1,c-eng\ncl-2,c-unmapped\n";
    const LINE_ITEMS: &str = "sourcedId,classSourcedId,dueDate\n\
        li-1,cl-1,2026-11-20\nli-2,cl-1,someday\nli-3,cl-2,2026-11-20\nli-4,cl-9,2026-11-20\n";
    const HEADER: &str = "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,textScore,comment\n";

    fn known() -> Known {
        let mut known = Known::new();
        known.insert(
            (pb::EntityType::Subject, "c-eng".into()),
            "subject-eng".into(),
        );
        known.insert((pb::EntityType::Student, "s-1".into()), "student-1".into());
        known
    }

    fn steps(results: &str) -> Marks {
        let contents: BTreeMap<String, Vec<u8>> = [
            ("manifest.csv", MANIFEST),
            ("classes.csv", CLASSES),
            ("lineItems.csv", LINE_ITEMS),
            ("results.csv", results),
        ]
        .into_iter()
        .map(|(name, text)| (name.to_owned(), text.as_bytes().to_vec()))
        .collect();
        let manifest = Manifest::parse(&contents["manifest.csv"], &mut Vec::new()).unwrap();
        let files = Files::read(&manifest, &contents);
        assert!(files.rejects.is_empty(), "{:?}", files.rejects);
        files.mark_steps(&manifest, SCHOOL, &known())
    }

    fn results_of(marks: &Marks) -> &[Step<pb::RecordOperation>] {
        &marks.files.last().unwrap().steps
    }

    fn code(step: &Step<pb::RecordOperation>) -> (&str, &str) {
        match step {
            Step::Reject(reject) => (reject.field.as_str(), reject.code.as_str()),
            other => panic!("not a reject: {other:?}"),
        }
    }

    #[test]
    fn a_graded_result_is_a_mark_of_its_line_items_date_and_subject() {
        let marks = steps(&format!(
            "{HEADER}r-1,active,2026-11-20T10:00:00Z,li-1,s-1,fully graded,5.0,,Молодец\n"
        ));
        assert_eq!(marks.mode, Some(Mode::Delta));
        let Step::Send(operation, origin) = &results_of(&marks)[0] else {
            panic!("{marks:?}");
        };
        assert_eq!((origin.line, origin.sourced_id.as_str()), (2, "r-1"));
        assert_eq!(operation.vendor_record_id, "r-1");
        assert_eq!(operation.school_id, SCHOOL);
        assert_eq!(
            operation.revision,
            values::revision("2026-11-20T10:00:00Z").unwrap()
        );
        assert_eq!(operation.action(), pb::RecordAction::Upsert);
        let Some(pb::record_operation::Payload::Mark(mark)) = &operation.payload else {
            panic!("a mark");
        };
        let id = |reference: &Option<pb::EntityRef>| match reference.as_ref().unwrap().reference {
            Some(pb::entity_ref::Reference::Id(ref id)) => id.clone(),
            _ => panic!("a platform id"),
        };
        assert_eq!(id(&mark.student), "student-1");
        assert_eq!(id(&mark.subject), "subject-eng");
        assert_eq!(
            (
                mark.date.as_str(),
                mark.value.as_str(),
                mark.comment.as_str()
            ),
            ("2026-11-20", "5", "Молодец")
        );
    }

    #[test]
    fn a_result_to_be_deleted_needs_only_its_key_and_revision() {
        let marks = steps(&format!(
            "{HEADER}r-1,tobedeleted,2026-11-21T10:00:00Z,li-gone,s-gone,,,,\n"
        ));
        let Step::Send(operation, _) = &results_of(&marks)[0] else {
            panic!("{marks:?}");
        };
        assert_eq!(operation.action(), pb::RecordAction::Delete);
        assert!(operation.payload.is_none());
        assert!(marks.named.contains("r-1"));
    }

    #[test]
    fn bad_rows_are_rejected_naming_their_field() {
        let marks = steps(&format!(
            "{HEADER}\
             r-1,active,2026-11-20T10:00:00Z,li-1,s-9,fully graded,5,,\n\
             r-2,active,20.11.2026,li-1,s-1,fully graded,5,,\n\
             r-3,active,2026-11-20T10:00:00Z,li-2,s-1,fully graded,5,,\n\
             r-4,active,2026-11-20T10:00:00Z,li-3,s-1,fully graded,5,,\n\
             r-5,active,2026-11-20T10:00:00Z,li-9,s-1,fully graded,5,,\n\
             r-6,active,2026-11-20T10:00:00Z,li-1,s-1,not submitted,,,\n\
             r-7,active,2026-11-20T10:00:00Z,li-1,s-1,fully graded,,,\n\
             ,active,2026-11-20T10:00:00Z,li-1,s-1,fully graded,5,,\n"
        ));
        let found: Vec<_> = results_of(&marks).iter().map(code).collect();
        assert_eq!(
            found,
            [
                ("studentSourcedId", "unmapped_sourced_id"),
                ("dateLastModified", "bad_date"),
                ("lineItemSourcedId", "rejected_line_item"),
                ("lineItemSourcedId", "rejected_line_item"),
                ("lineItemSourcedId", "unmapped_sourced_id"),
                ("scoreStatus", "not_graded"),
                ("score", "missing_value"),
                ("sourcedId", "missing_value"),
            ]
        );
        // The line items themselves: a bad date, an unmapped course, a class
        // not in the set.
        let items: Vec<_> = marks.files[0]
            .steps
            .iter()
            .filter(|step| !matches!(step, Step::Skip))
            .map(code)
            .collect();
        assert_eq!(
            items,
            [
                ("dueDate", "bad_date"),
                ("classSourcedId", "unmapped_sourced_id"),
                ("classSourcedId", "unmapped_sourced_id"),
            ]
        );
    }

    proptest! {
        /// Whatever the sourcedId (commas, quotes, Cyrillic), score and
        /// time, a results row written as CSV comes back as one operation
        /// with that key, the time as its revision and the score as value.
        #[test]
        fn a_results_row_round_trips_into_its_operation(
            sourced_id in "[^\\s\\x00-\\x1f][^\\x00-\\x1f]{0,40}[^\\s\\x00-\\x1f]",
            score in 1u8..=5,
            seconds in 1_000_000_000i64..4_000_000_000,
            micros in 0u32..1_000_000,
            deleted in any::<bool>(),
        ) {
            let modified = chrono::DateTime::from_timestamp(seconds, micros * 1000)
                .unwrap()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            let mut writer = csv::Writer::from_writer(HEADER.as_bytes().to_vec());
            writer.write_record([
                sourced_id.as_str(),
                if deleted { "tobedeleted" } else { "active" },
                &modified,
                "li-1",
                "s-1",
                "fully graded",
                &score.to_string(),
                "",
                "",
            ]).unwrap();
            let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
            let marks = steps(&text);
            let steps = results_of(&marks);
            prop_assert_eq!(steps.len(), 1);
            let Step::Send(operation, origin) = &steps[0] else {
                panic!("{steps:?}");
            };
            prop_assert_eq!(&operation.vendor_record_id, &sourced_id);
            prop_assert_eq!(&origin.sourced_id, &sourced_id);
            prop_assert_eq!(operation.revision, seconds * 1_000_000 + i64::from(micros));
            prop_assert_eq!(
                operation.action(),
                if deleted { pb::RecordAction::Delete } else { pb::RecordAction::Upsert }
            );
            if let Some(pb::record_operation::Payload::Mark(mark)) = &operation.payload {
                prop_assert_eq!(mark.value.clone(), score.to_string());
            } else {
                prop_assert!(deleted);
            }
        }
    }
}
