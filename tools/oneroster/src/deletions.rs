//! Deletions a load makes: what a bulk results file withdraws, and the
//! check that refuses a mass withdrawal before anything is sent.

use std::collections::HashSet;

use anyhow::bail;
use otmetka_proto::import::v1 as pb;

use crate::manifest::Mode;
use crate::marks::Marks;
use crate::plan::{Files, Origin, RESULTS, Step};

/// The marks a bulk results file withdraws: the vendor's live marks dated
/// within the set's academic sessions that the file no longer names.
pub fn withdrawals(
    files: &Files,
    marks: &Marks,
    stored: &[pb::StoredRecord],
    school_id: &str,
    notes: &mut Vec<String>,
) -> Vec<(pb::RecordOperation, Origin)> {
    if marks.mode != Some(Mode::Bulk) {
        return Vec::new();
    }
    // A row that could not be read may name a record the vendor still has.
    if files.rejects.iter().any(|reject| reject.file == RESULTS) {
        notes.push(
            "results.csv has unreadable rows, so this bulk load withdraws nothing; \
             fix them and load the set again"
                .into(),
        );
        return Vec::new();
    }
    let sessions = files.sessions();
    stored
        .iter()
        .filter(|record| !record.deleted && !record.platform_id.is_empty())
        .filter_map(|record| {
            let key = record.key.as_ref()?;
            let date = crate::values::date(&record.date)?;
            let in_scope = sessions
                .iter()
                .any(|(start, end)| (*start..=*end).contains(&date));
            (in_scope && !marks.named.contains(&key.vendor_record_id)).then(|| {
                (
                    pb::RecordOperation {
                        school_id: school_id.to_owned(),
                        record_type: pb::RecordType::Mark.into(),
                        vendor_record_id: key.vendor_record_id.clone(),
                        // Just above the stored one, so the record comes
                        // back whenever the vendor sends it again.
                        revision: record.revision + 1,
                        action: pb::RecordAction::Delete.into(),
                        ..Default::default()
                    },
                    Origin {
                        line: 0,
                        sourced_id: key.vendor_record_id.clone(),
                    },
                )
            })
        })
        .collect()
}

/// Refuses, before anything is sent, a load that would withdraw more than
/// the allowed share of the vendor's live marks in the school.
pub fn check_deletions(
    max_share: f64,
    confirmed: bool,
    marks: &Marks,
    stored: &[pb::StoredRecord],
    withdrawn: usize,
) -> anyhow::Result<()> {
    let live: HashSet<&str> = stored
        .iter()
        .filter(|r| !r.deleted && !r.platform_id.is_empty())
        .filter_map(|r| Some(r.key.as_ref()?.vendor_record_id.as_str()))
        .collect();
    let deleted_rows = marks
        .files
        .iter()
        .flat_map(|f| f.steps.iter())
        .filter(|step| match step {
            Step::Send(operation, _) => {
                operation.action == i32::from(pb::RecordAction::Delete)
                    && live.contains(operation.vendor_record_id.as_str())
            }
            _ => false,
        })
        .count();
    let deletions = deleted_rows + withdrawn;
    let allowed = max_share * live.len() as f64;
    if deletions > 0 && deletions as f64 > allowed && !confirmed {
        bail!(
            "refusing to withdraw {deletions} of the {} marks this vendor holds in the school \
             (more than {:.0}%); nothing was sent. Check the file (a bulk file withdraws every \
             mark of its academic sessions it does not list), then run again with \
             --confirm-deletions",
            live.len(),
            max_share * 100.0
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::manifest::Manifest;
    use crate::plan::Known;

    const HEADER: &str =
        "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score\n";

    fn stored(key: &str, date: &str, deleted: bool) -> pb::StoredRecord {
        pb::StoredRecord {
            key: Some(pb::RecordKey {
                record_type: pb::RecordType::Mark.into(),
                vendor_record_id: key.into(),
            }),
            revision: 10,
            deleted,
            platform_id: "mark".into(),
            date: date.into(),
            update_time: None,
        }
    }

    /// The set's files and marks: results in `mode`, a term in November.
    fn set(mode: &str, results: &[u8]) -> (Files, Marks) {
        let manifest = format!(
            "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n\
             file.academicSessions,bulk\nfile.results,{mode}\n"
        );
        let contents: BTreeMap<String, Vec<u8>> = [
            ("manifest.csv", manifest.as_bytes()),
            (
                "academicSessions.csv",
                b"sourcedId,type,startDate,endDate\nt-1,term,2026-11-01,2026-11-30\n".as_slice(),
            ),
            ("results.csv", results),
        ]
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes.to_vec()))
        .collect();
        let manifest = Manifest::parse(&contents["manifest.csv"], &mut Vec::new()).unwrap();
        let files = Files::read(&manifest, &contents);
        let marks = files.mark_steps(&manifest, "school", &Known::new());
        (files, marks)
    }

    fn keys(withdrawn: &[(pb::RecordOperation, Origin)]) -> Vec<(&str, i64)> {
        withdrawn
            .iter()
            .map(|(op, _)| (op.vendor_record_id.as_str(), op.revision))
            .collect()
    }

    #[test]
    fn a_bulk_file_withdraws_live_marks_of_its_sessions_it_no_longer_names() {
        let results = format!(
            "{HEADER}r-1,active,2026-11-20T10:00:00Z,li-1,s-1,fully graded,5\n\
             r-2,active,bad,li-1,s-1,fully graded,5\n"
        );
        let (files, marks) = set("bulk", results.as_bytes());
        let stored = [
            stored("r-1", "2026-11-20", false),
            stored("r-2", "2026-11-20", false),
            stored("r-3", "2026-11-20", false),
            stored("r-4", "2026-11-20", true),
            stored("r-5", "2026-10-20", false),
        ];
        let mut notes = Vec::new();
        let withdrawn = withdrawals(&files, &marks, &stored, "school", &mut notes);
        // r-2 is named, if faulty; r-4 is withdrawn already; r-5 is
        // outside the term.
        assert_eq!(keys(&withdrawn), [("r-3", 11)]);
        assert_eq!(withdrawn[0].0.action(), pb::RecordAction::Delete);
        assert_eq!(withdrawn[0].0.school_id, "school");

        let (files, marks) = set("delta", results.as_bytes());
        assert!(withdrawals(&files, &marks, &stored, "school", &mut notes).is_empty());
        assert!(notes.is_empty());
    }

    #[test]
    fn a_bulk_file_with_unreadable_rows_withdraws_nothing() {
        let mut results = HEADER.as_bytes().to_vec();
        results.extend_from_slice(b"r-\xFF,active,2026-11-20T10:00:00Z,li-1,s-1,fully graded,5\n");
        let (files, marks) = set("bulk", &results);
        let mut notes = Vec::new();
        let withdrawn = withdrawals(
            &files,
            &marks,
            &[stored("r-3", "2026-11-20", false)],
            "school",
            &mut notes,
        );
        assert!(withdrawn.is_empty());
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn withdrawing_more_than_the_share_needs_a_confirmation() {
        let results = format!(
            "{HEADER}r-1,tobedeleted,2026-11-20T10:00:00Z,,,,\n\
             r-9,tobedeleted,2026-11-20T10:00:00Z,,,,\n"
        );
        let (_, marks) = set("delta", results.as_bytes());
        let live: Vec<_> = (1..=10)
            .map(|n| stored(&format!("r-{n}"), "2026-11-20", false))
            .collect();
        // r-9 is live, r-1 too: two of ten, and one withdrawal besides.
        assert!(check_deletions(0.3, false, &marks, &live, 1).is_ok());
        let refused = check_deletions(0.2, false, &marks, &live, 1).unwrap_err();
        assert!(refused.to_string().contains("3 of the 10"), "{refused}");
        assert!(check_deletions(0.2, true, &marks, &live, 1).is_ok());
        // Deleting what is not live withdraws nothing.
        assert!(check_deletions(0.0, false, &marks, &live[2..8], 0).is_ok());
    }
}
