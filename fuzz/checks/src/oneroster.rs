//! The OneRoster loader's reading of a set: manifest.csv, each CSV file, and
//! the id mappings and mark operations planned from them.
//!
//! Input: manifest.csv, then the set's files in the order of
//! `ROSTER_FILES` and `GRADEBOOK_FILES`, separated by the byte 0x1E.

use std::collections::BTreeMap;

use otmetka_oneroster::manifest::{Manifest, Mode};
use otmetka_oneroster::plan::{Files, GRADEBOOK_FILES, Known, ROSTER_FILES, Step};
use otmetka_oneroster::rejects::Reject;
use otmetka_oneroster::table;
use otmetka_proto::import::v1 as pb;

const SEPARATOR: u8 = 0x1e;
const ENTITY_TYPES: [pb::EntityType; 4] = [
    pb::EntityType::Class,
    pb::EntityType::Student,
    pb::EntityType::Subject,
    pb::EntityType::Teacher,
];

fn check_rejects(rejects: &[Reject]) {
    for reject in rejects {
        assert!(!reject.file.is_empty(), "{reject:?}");
        assert!(!reject.code.is_empty(), "{reject:?}");
        assert!(!reject.message.is_empty(), "{reject:?}");
    }
}

/// Checks the target's properties on one input; panics when one fails.
pub fn oneroster(data: &[u8]) {
    let mut parts = data.split(|byte| *byte == SEPARATOR);
    let manifest_bytes = parts.next().unwrap_or_default();
    let names: Vec<&str> = ROSTER_FILES
        .iter()
        .chain(GRADEBOOK_FILES.iter())
        .map(|(name, _)| *name)
        .collect();
    let contents: BTreeMap<String, Vec<u8>> = names
        .iter()
        .zip(parts)
        .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
        .collect();

    let mut rejects = Vec::new();
    let manifest = match Manifest::parse(manifest_bytes, &mut rejects) {
        Ok(manifest) => {
            assert!(manifest.files.keys().all(|name| name.ends_with(".csv")));
            manifest
        }
        // A set with an unreadable manifest is refused; read its files as
        // though every one were listed, to reach the readers behind it.
        Err(_) => Manifest {
            files: names
                .iter()
                .map(|name| ((*name).to_owned(), Mode::Bulk))
                .collect(),
        },
    };
    check_rejects(&rejects);

    for ((name, required), bytes) in ROSTER_FILES
        .iter()
        .chain(GRADEBOOK_FILES.iter())
        .filter_map(|(name, required)| Some(((name, required), contents.get(*name)?)))
    {
        let mut rejects = Vec::new();
        if let Some(table) = table::read(name, bytes, required, &mut rejects) {
            assert!(required.iter().all(|column| table.has_column(column)));
            assert!(table.rows.iter().all(|row| row.line >= 2));
            assert!(
                table
                    .rows
                    .windows(2)
                    .all(|pair| pair[0].line < pair[1].line)
            );
            for row in &table.rows {
                assert_eq!(table.get(row, "no such column"), "");
                for column in *required {
                    let field = table.get(row, column);
                    assert_eq!(field, field.trim());
                }
            }
        }
        check_rejects(&rejects);
    }

    let files = Files::read(&manifest, &contents);
    check_rejects(&files.rejects);
    for (start, end) in files.sessions() {
        let _ = (start, end);
    }
    let school_id = files.school_id().unwrap_or_default();
    // Every sourcedId of the set taken as mapped, so the plan goes past
    // its lookups.
    let mut known = Known::new();
    for table in files.tables.values() {
        for row in &table.rows {
            let id = table.get(row, "sourcedId");
            if !id.is_empty() {
                for kind in ENTITY_TYPES {
                    known.insert(
                        (kind, id.to_owned()),
                        "0190a4f6-6a4e-7a8c-9a6e-3c8a5f0b1d2e".into(),
                    );
                }
            }
        }
    }
    for plan in [Known::new(), known] {
        for file in files.mapping_steps(&plan) {
            for step in &file.steps {
                match step {
                    Step::Send(_, origin) => assert!(origin.line >= 2),
                    Step::Reject(reject) => check_rejects(std::slice::from_ref(reject)),
                    Step::Skip => {}
                }
            }
        }
        let marks = files.mark_steps(&manifest, &school_id, &plan);
        for file in &marks.files {
            for step in &file.steps {
                if let Step::Reject(reject) = step {
                    check_rejects(std::slice::from_ref(reject));
                }
            }
        }
    }
}
