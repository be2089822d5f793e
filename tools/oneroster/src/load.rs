//! One load of a OneRoster set: read and check the files, refuse a mass
//! deletion unless confirmed, map the roster's ids, then push the marks,
//! writing rejects and the checkpoint as receipts arrive.

use std::path::PathBuf;

use anyhow::bail;
use otmetka_proto::import::v1 as pb;

use crate::client::{Auth, Client, MAPPINGS_PER_CALL};
use crate::deletions;
use crate::input::Input;
use crate::manifest::Manifest;
use crate::plan::{FileSteps, Files, Known, Origin, RESULTS, Step};
use crate::progress::Progress;
use crate::rejects::{Reject, Report};
use crate::state::State;

/// Operations in one PushRecords message.
pub const OPERATIONS_PER_MESSAGE: usize = 500;

/// What to load and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// A directory of CSV files or a zip of them, with manifest.csv.
    pub input: PathBuf,
    pub import_url: String,
    pub auth: Auth,
    /// The school; by default the one school of orgs.csv with a platform id.
    pub school_id: Option<String>,
    /// The rejects report; by default next to the input.
    pub rejects: Option<PathBuf>,
    /// The checkpoint; by default next to the input.
    pub state: Option<PathBuf>,
    /// Check everything and write nothing.
    pub dry_run: bool,
    /// The share of the vendor's live records in the school a load may
    /// withdraw without `confirm_deletions`.
    pub max_delete_share: f64,
    pub confirm_deletions: bool,
    pub progress: bool,
    /// Stop after this many push messages were acknowledged, as if
    /// interrupted (for testing resumption).
    pub stop_after_messages: Option<usize>,
}

impl Options {
    pub fn new(input: impl Into<PathBuf>, import_url: impl Into<String>, auth: Auth) -> Self {
        Self {
            input: input.into(),
            import_url: import_url.into(),
            auth,
            school_id: None,
            rejects: None,
            state: None,
            dry_run: false,
            max_delete_share: 0.2,
            confirm_deletions: false,
            progress: false,
            stop_after_messages: None,
        }
    }

    fn beside_input(&self, suffix: &str) -> PathBuf {
        let mut name = self.input.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    }

    /// A dry run's report does not overwrite a real load's.
    pub fn rejects_path(&self) -> PathBuf {
        self.rejects.clone().unwrap_or_else(|| {
            self.beside_input(if self.dry_run {
                ".dry-run.rejects.csv"
            } else {
                ".rejects.csv"
            })
        })
    }

    pub fn state_path(&self) -> PathBuf {
        self.state
            .clone()
            .unwrap_or_else(|| self.beside_input(".otmetka-state.json"))
    }
}

/// What a load did (in a dry run: would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub school_id: String,
    pub mappings_created: u64,
    pub mappings_updated: u64,
    pub mappings_unchanged: u64,
    /// Marks written (created or corrected).
    pub accepted: u64,
    /// Marks withdrawn (tobedeleted rows, or missing in bulk mode).
    pub deleted: u64,
    pub unchanged: u64,
    pub stale: u64,
    /// Rows and files not loaded; each is a line of the rejects report.
    pub rejected: u64,
    /// Rows skipped as acknowledged by an interrupted earlier run.
    pub resumed_rows: u64,
    /// Stopped before the end (see `Options::stop_after_messages`).
    pub interrupted: bool,
    pub notes: Vec<String>,
    pub rejects_path: PathBuf,
}

/// The column of results.csv a receipt's field stands for.
fn column_of(field: &str) -> &str {
    match field {
        "mark.value" => "score",
        "mark.student" => "studentSourcedId",
        "mark.subject" | "mark.date" | "mark.lesson" => "lineItemSourcedId",
        "mark.comment" => "comment",
        "revision" => "dateLastModified",
        other => other,
    }
}

/// Where the checkpoint stands: how far into each file everything is done.
struct Progressing<'a> {
    state: State,
    path: Option<PathBuf>,
    report: Report,
    bar: &'a Progress,
}

impl Progressing<'_> {
    /// Writes `rejects`, then moves the checkpoint of `file` to `through`.
    fn settle(&mut self, rejects: &[Reject], through: Option<(&str, u64)>) -> anyhow::Result<()> {
        for reject in rejects {
            self.report.write(reject)?;
        }
        self.report.flush()?;
        if let Some((file, count)) = through {
            let done = self.state.acknowledged.entry(file.to_owned()).or_default();
            self.bar.advance(count.saturating_sub(*done));
            *done = (*done).max(count);
            if let Some(path) = &self.path {
                self.state.save(path)?;
            }
        }
        Ok(())
    }
}

/// A message's worth of steps of one file.
struct Batch<T> {
    items: Vec<(T, Origin)>,
    rejects: Vec<Reject>,
    /// The file's steps done once this batch is.
    through: u64,
}

/// Cuts a file's steps (from `from` on) into batches of at most `size`
/// items; rejects ride with the batch they come before, or in one last
/// batch of their own.
fn batches<T>(file: FileSteps<T>, from: u64, size: usize) -> Vec<Batch<T>> {
    let mut all = Vec::new();
    let mut current = Batch {
        items: Vec::new(),
        rejects: Vec::new(),
        through: from,
    };
    for (index, step) in file.steps.into_iter().enumerate().skip(from as usize) {
        match step {
            Step::Send(item, origin) => current.items.push((item, origin)),
            Step::Reject(reject) => current.rejects.push(reject),
            Step::Skip => {}
        }
        current.through = index as u64 + 1;
        if current.items.len() == size {
            let through = current.through;
            all.push(std::mem::replace(
                &mut current,
                Batch {
                    items: Vec::new(),
                    rejects: Vec::new(),
                    through,
                },
            ));
        }
    }
    if !current.items.is_empty() || !current.rejects.is_empty() || current.through > from {
        all.push(current);
    }
    all
}

/// Loads the set `options.input` names.
pub async fn load(options: &Options) -> anyhow::Result<Summary> {
    let input = Input::read(&options.input)?;
    let mut early = Vec::new();
    let manifest = Manifest::parse(&input.files["manifest.csv"], &mut early)?;
    let files = Files::read(&manifest, &input.files);
    early.extend(files.rejects.iter().cloned());
    let mut client = Client::connect(&options.import_url, &options.auth).await?;
    let school_id = match options.school_id.clone().or_else(|| files.school_id()) {
        Some(id) => id,
        None => match client.granted_schools().await?.as_slice() {
            [only] => only.clone(),
            _ => bail!(
                "name the school with --school-id: orgs.csv does not give exactly one school \
                 with a platform id in metadata.otmetka.id, and this vendor is granted \
                 more than one school (or none)"
            ),
        },
    };

    let rejects_path = options.rejects_path();
    let state_path = options.state_path();
    let state = if options.dry_run {
        State::fresh(&input.sha256)
    } else {
        State::load(&state_path, &input.sha256)
    };
    let resumed = state.resumed();
    let report = Report::open(&rejects_path, resumed)?;
    let mut summary = Summary {
        school_id: school_id.clone(),
        notes: files.notes.clone(),
        rejects_path: rejects_path.clone(),
        ..Summary::default()
    };

    // What is stored decides what a bulk file withdraws and whether the
    // deletions are too many; nothing is sent before that is settled.
    let stored = client.records(&school_id).await?;
    let known = known(client.mappings(&school_id).await?);
    let mapping_files = files.mapping_steps(&known);
    // The marks as they will be once the set's mappings are stored (a dry
    // run stores none, and checks the marks as if it had).
    let mut expected = known;
    for file in &mapping_files {
        for step in &file.steps {
            if let Step::Send(mapping, _) = step {
                expected.insert(
                    (mapping.entity_type(), mapping.external_id.clone()),
                    mapping.platform_id.clone(),
                );
            }
        }
    }
    let mut marks = files.mark_steps(&manifest, &school_id, &expected);
    let withdrawals =
        deletions::withdrawals(&files, &marks, &stored, &school_id, &mut summary.notes);
    deletions::check_deletions(
        options.max_delete_share,
        options.confirm_deletions,
        &marks,
        &stored,
        withdrawals.len(),
    )?;

    let total: u64 = mapping_files
        .iter()
        .map(|f| f.steps.len() as u64)
        .chain(marks.files.iter().map(|f| f.steps.len() as u64))
        .sum::<u64>()
        + withdrawals.len() as u64;
    let bar = Progress::new(options.progress, total);
    summary.resumed_rows = state.acknowledged.values().sum();
    bar.advance(summary.resumed_rows);
    let mut run = Progressing {
        state,
        path: (!options.dry_run).then(|| state_path.clone()),
        report,
        bar: &bar,
    };
    if !resumed {
        run.settle(&early, None)?;
    }

    // Roster files: id mappings.
    for file in mapping_files {
        let name = file.file.clone();
        let from = run.state.done(&name);
        for batch in batches(file, from, MAPPINGS_PER_CALL) {
            let mut rejects = batch.rejects;
            if !batch.items.is_empty() && !options.dry_run {
                let (mappings, origins): (Vec<_>, Vec<_>) = batch.items.into_iter().unzip();
                bar.sent(mappings.len() as u64);
                let results = client.put_mappings(&school_id, mappings).await?;
                for (result, origin) in results.into_iter().zip(origins) {
                    count_mapping(&mut summary, &name, result, &origin, &mut rejects);
                }
            }
            rejects.sort_by_key(|r| r.line);
            run.settle(&rejects, Some((&name, batch.through)))?;
        }
    }

    if !options.dry_run {
        // What the platform took, rejected mappings left out.
        let known = self::known(client.mappings(&school_id).await?);
        marks = files.mark_steps(&manifest, &school_id, &known);
    }

    // Gradebook files: the marks, then what bulk mode withdraws.
    let mut messages = Vec::new();
    let mut trailing = Vec::new();
    for file in marks.files {
        let name = file.file.clone();
        let from = run.state.done(&name);
        for batch in batches(file, from, OPERATIONS_PER_MESSAGE) {
            if batch.items.is_empty() {
                trailing.push((name.clone(), batch.rejects, batch.through));
            } else {
                messages.push((name.clone(), true, batch));
            }
        }
    }
    // Checkpoints of files without operations are settled first.
    for (name, rejects, through) in trailing
        .iter()
        .filter(|(name, _, _)| name.as_str() != RESULTS)
    {
        run.settle(rejects, Some((name, *through)))?;
    }
    for chunk in withdrawals.chunks(OPERATIONS_PER_MESSAGE) {
        messages.push((
            RESULTS.to_owned(),
            false,
            Batch {
                items: chunk
                    .iter()
                    .map(|(operation, origin)| (operation.clone(), origin.clone()))
                    .collect(),
                rejects: Vec::new(),
                through: 0,
            },
        ));
    }
    let interrupted = options
        .stop_after_messages
        .is_some_and(|n| messages.len() > n);
    let requests = messages
        .into_iter()
        .take(options.stop_after_messages.unwrap_or(usize::MAX))
        .map(|(name, checkpointed, batch)| {
            let (operations, origins): (Vec<_>, Vec<_>) = batch.items.into_iter().unzip();
            let deletes: Vec<bool> = operations
                .iter()
                .map(|o| o.action == i32::from(pb::RecordAction::Delete))
                .collect();
            bar.sent(operations.len() as u64);
            (
                pb::PushRecordsRequest {
                    operations,
                    dry_run: options.dry_run,
                    confirm_deletions: options.confirm_deletions,
                },
                (
                    name,
                    checkpointed,
                    origins,
                    deletes,
                    batch.rejects,
                    batch.through,
                ),
            )
        });
    let mut acknowledged = 0;
    let mut deletion_limited = false;
    client
        .push(requests, |tag, receipts| {
            let (name, checkpointed, origins, deletes, mut rejects, through) = tag;
            let count = receipts.len() as u64;
            for ((receipt, origin), delete) in receipts.into_iter().zip(origins).zip(deletes) {
                match pb::ReceiptStatus::try_from(receipt.status) {
                    Ok(pb::ReceiptStatus::Accepted) if delete => summary.deleted += 1,
                    Ok(pb::ReceiptStatus::Accepted) => summary.accepted += 1,
                    Ok(pb::ReceiptStatus::Unchanged) => summary.unchanged += 1,
                    Ok(pb::ReceiptStatus::Stale) => summary.stale += 1,
                    _ => {
                        let error = receipt.errors.into_iter().next().unwrap_or_default();
                        deletion_limited |= error.code == "DELETION_LIMIT";
                        rejects.push(Reject::row(
                            &name,
                            origin.line,
                            &origin.sourced_id,
                            column_of(&error.field),
                            &error.code,
                            error.message,
                        ));
                    }
                }
            }
            rejects.sort_by_key(|r| r.line);
            if checkpointed {
                run.settle(&rejects, Some((&name, through)))?;
            } else {
                // Withdrawals are not checkpointed: a resumed load lists
                // what is stored anew and finds the ones still to do.
                bar.advance(count);
                run.settle(&rejects, None)?;
            }
            acknowledged += 1;
            Ok(())
        })
        .await?;
    if interrupted {
        summary.interrupted = true;
    } else {
        for (name, rejects, through) in trailing
            .iter()
            .filter(|(name, _, _)| name.as_str() == RESULTS)
        {
            run.settle(rejects, Some((name, *through)))?;
        }
    }
    if deletion_limited {
        summary.notes.push(
            "the platform refused deletions beyond its limit (DELETION_LIMIT); \
             check the file, then load it again with --confirm-deletions"
                .into(),
        );
    }
    summary.rejected = run.report.count;
    bar.finish();
    if !summary.interrupted && !options.dry_run {
        // Done: the next load of the same input starts afresh.
        let _ = std::fs::remove_file(&state_path);
    }
    Ok(summary)
}

fn known(mappings: Vec<pb::IdMapping>) -> Known {
    mappings
        .into_iter()
        .map(|m| ((m.entity_type(), m.external_id), m.platform_id))
        .collect()
}

fn count_mapping(
    summary: &mut Summary,
    file: &str,
    result: pb::IdMappingResult,
    origin: &Origin,
    rejects: &mut Vec<Reject>,
) {
    match pb::MappingStatus::try_from(result.status) {
        Ok(pb::MappingStatus::Created) => summary.mappings_created += 1,
        Ok(pb::MappingStatus::Updated) => summary.mappings_updated += 1,
        Ok(pb::MappingStatus::Unchanged) => summary.mappings_unchanged += 1,
        _ => {
            let error = result.error.unwrap_or_default();
            rejects.push(Reject::row(
                file,
                origin.line,
                &origin.sourced_id,
                crate::plan::METADATA_ID,
                &error.code,
                error.message,
            ));
        }
    }
}

impl Summary {
    /// Whether anything was rejected or left undone.
    pub fn complete(&self) -> bool {
        self.rejected == 0 && !self.interrupted
    }
}
