//! Sending a set's steps: each file's steps cut into batches, the id
//! mappings call by call, the marks on one stream, and the rejects report
//! and the checkpoint moved on as the answers arrive, never before.

use std::path::PathBuf;

use otmetka_proto::import::v1 as pb;

use crate::client::{Client, MAPPINGS_PER_CALL};
use crate::load::{OPERATIONS_PER_MESSAGE, Options, Summary};
use crate::plan::{FileSteps, METADATA_ID, Origin, RESULTS, Step};
use crate::progress::Progress;
use crate::rejects::{Reject, Report};
use crate::state::State;

/// Where the checkpoint stands: how far into each file everything is done.
pub struct Progressing<'a> {
    pub state: State,
    /// Where the checkpoint is kept; `None` in a dry run.
    pub path: Option<PathBuf>,
    pub report: Report,
    pub bar: &'a Progress,
}

impl Progressing<'_> {
    /// Writes `rejects`, then moves the checkpoint of `file` to `through`.
    pub fn settle(
        &mut self,
        rejects: &[Reject],
        through: Option<(&str, u64)>,
    ) -> anyhow::Result<()> {
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

/// A call's or message's worth of steps of one file.
struct Batch<T> {
    items: Vec<(T, Origin)>,
    rejects: Vec<Reject>,
    /// The file's steps done once this batch is.
    through: u64,
}

impl<T> Batch<T> {
    fn empty(through: u64) -> Self {
        Self {
            items: Vec::new(),
            rejects: Vec::new(),
            through,
        }
    }
}

/// Cuts a file's steps (from `from` on) into batches of at most `size`
/// items; rejects ride with the batch they come before, or in one last
/// batch of their own.
fn batches<T>(file: FileSteps<T>, from: u64, size: usize) -> Vec<Batch<T>> {
    let mut all = Vec::new();
    let mut current = Batch::empty(from);
    for (index, step) in file.steps.into_iter().enumerate().skip(from as usize) {
        match step {
            Step::Send(item, origin) => current.items.push((item, origin)),
            Step::Reject(reject) => current.rejects.push(reject),
            Step::Skip => {}
        }
        current.through = index as u64 + 1;
        if current.items.len() == size {
            let through = current.through;
            all.push(std::mem::replace(&mut current, Batch::empty(through)));
        }
    }
    if !current.items.is_empty() || !current.rejects.is_empty() || current.through > from {
        all.push(current);
    }
    all
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

/// What a message on the stream carries besides its operations.
struct Sent {
    file: String,
    /// Withdrawals are not checkpointed: a resumed load lists what is
    /// stored anew and finds the ones still to do.
    checkpointed: bool,
    origins: Vec<Origin>,
    rejects: Vec<Reject>,
    through: u64,
}

/// A load under way.
pub struct Sender<'a> {
    pub options: &'a Options,
    pub client: Client,
    pub school_id: String,
    pub run: Progressing<'a>,
    pub summary: Summary,
    /// Withdrawals acknowledged so far (they are sent last, in order).
    pub withdrawn: usize,
}

impl Sender<'_> {
    /// Rows and withdrawals acknowledged so far: how far the load got.
    pub fn done(&self) -> u64 {
        self.run.state.acknowledged.values().sum::<u64>() + self.withdrawn as u64
    }

    /// Stores the roster files' id mappings, a call per batch.
    pub async fn map_ids(&mut self, files: Vec<FileSteps<pb::IdMapping>>) -> anyhow::Result<()> {
        for file in files {
            let name = file.file.clone();
            let from = self.run.state.done(&name);
            for batch in batches(file, from, MAPPINGS_PER_CALL) {
                let mut rejects = batch.rejects;
                if !batch.items.is_empty() && !self.options.dry_run {
                    let (mappings, origins): (Vec<_>, Vec<_>) = batch.items.into_iter().unzip();
                    self.run.bar.sent(mappings.len() as u64);
                    let results = self.client.put_mappings(&self.school_id, mappings).await?;
                    for (result, origin) in results.into_iter().zip(origins) {
                        self.count_mapping(&name, result, &origin, &mut rejects);
                    }
                }
                rejects.sort_by_key(|r| r.line);
                self.run.settle(&rejects, Some((&name, batch.through)))?;
            }
        }
        Ok(())
    }

    fn count_mapping(
        &mut self,
        file: &str,
        result: pb::IdMappingResult,
        origin: &Origin,
        rejects: &mut Vec<Reject>,
    ) {
        let summary = &mut self.summary;
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
                    METADATA_ID,
                    &error.code,
                    error.message,
                ));
            }
        }
    }

    /// Pushes the gradebook files' operations, then `withdrawals`, on one
    /// stream; files without operations only have their rejects written.
    /// Called again after a failure, it goes on from what was acknowledged.
    pub async fn push_marks(
        &mut self,
        files: Vec<FileSteps<pb::RecordOperation>>,
        withdrawals: &[(pb::RecordOperation, Origin)],
    ) -> anyhow::Result<()> {
        let mut messages = Vec::new();
        let mut trailing = Vec::new();
        for file in files {
            let name = file.file.clone();
            let from = self.run.state.done(&name);
            for batch in batches(file, from, OPERATIONS_PER_MESSAGE) {
                if batch.items.is_empty() {
                    trailing.push((name.clone(), batch));
                } else {
                    messages.push((name.clone(), true, batch));
                }
            }
        }
        // Files without operations are settled first; the rejects after
        // the last operation of results.csv wait for its receipts.
        let (last, first): (Vec<_>, Vec<_>) =
            trailing.into_iter().partition(|(name, _)| name == RESULTS);
        for (name, batch) in first {
            self.run
                .settle(&batch.rejects, Some((&name, batch.through)))?;
        }
        for chunk in withdrawals[self.withdrawn..].chunks(OPERATIONS_PER_MESSAGE) {
            let mut batch = Batch::empty(0);
            batch.items = chunk.to_vec();
            messages.push((RESULTS.to_owned(), false, batch));
        }
        let limit = self.options.stop_after_messages.unwrap_or(usize::MAX);
        self.summary.interrupted = messages.len() > limit;

        let options = self.options;
        let bar = self.run.bar;
        let requests = messages
            .into_iter()
            .take(limit)
            .map(|(file, checkpointed, batch)| {
                let (operations, origins): (Vec<_>, Vec<_>) = batch.items.into_iter().unzip();
                bar.sent(operations.len() as u64);
                let request = pb::PushRecordsRequest {
                    operations,
                    dry_run: options.dry_run,
                    confirm_deletions: options.confirm_deletions,
                };
                let sent = Sent {
                    file,
                    checkpointed,
                    origins,
                    rejects: batch.rejects,
                    through: batch.through,
                };
                (request, sent)
            });
        let summary = &mut self.summary;
        let run = &mut self.run;
        let withdrawn = &mut self.withdrawn;
        let mut deletion_limited = false;
        self.client
            .push(requests, |sent, receipts| {
                let count = receipts.len() as u64;
                let mut rejects = sent.rejects;
                for (receipt, origin) in receipts.into_iter().zip(sent.origins) {
                    if let Some(reject) = count_receipt(summary, &sent.file, receipt, &origin) {
                        deletion_limited |= reject.code == "DELETION_LIMIT";
                        rejects.push(reject);
                    }
                }
                rejects.sort_by_key(|r| r.line);
                if sent.checkpointed {
                    run.settle(&rejects, Some((&sent.file, sent.through)))
                } else {
                    run.bar.advance(count);
                    *withdrawn += count as usize;
                    run.settle(&rejects, None)
                }
            })
            .await?;
        if !self.summary.interrupted {
            for (name, batch) in last {
                self.run
                    .settle(&batch.rejects, Some((&name, batch.through)))?;
            }
        }
        if deletion_limited {
            self.summary.notes.push(
                "the platform refused deletions beyond its limit (DELETION_LIMIT); \
                 check the file, then load it again with --confirm-deletions"
                    .into(),
            );
        }
        Ok(())
    }
}

/// Counts a receipt; a refusal is the row's reject.
fn count_receipt(
    summary: &mut Summary,
    file: &str,
    receipt: pb::Receipt,
    origin: &Origin,
) -> Option<Reject> {
    match pb::ReceiptStatus::try_from(receipt.status) {
        Ok(pb::ReceiptStatus::Accepted) if receipt.deleted => summary.deleted += 1,
        Ok(pb::ReceiptStatus::Accepted) => summary.accepted += 1,
        Ok(pb::ReceiptStatus::Unchanged) => summary.unchanged += 1,
        Ok(pb::ReceiptStatus::Stale) => summary.stale += 1,
        _ => {
            let error = receipt.errors.into_iter().next().unwrap_or_default();
            return Some(Reject::row(
                file,
                origin.line,
                &origin.sourced_id,
                column_of(&error.field),
                &error.code,
                error.message,
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reject(line: u64) -> Step<u32> {
        Step::Reject(Reject::file("f.csv", line, "", "x", ""))
    }

    fn send(item: u32) -> Step<u32> {
        Step::Send(
            item,
            Origin {
                line: u64::from(item),
                sourced_id: String::new(),
            },
        )
    }

    fn shape(batches: &[Batch<u32>]) -> Vec<(Vec<u32>, usize, u64)> {
        batches
            .iter()
            .map(|b| {
                (
                    b.items.iter().map(|(item, _)| *item).collect(),
                    b.rejects.len(),
                    b.through,
                )
            })
            .collect()
    }

    #[test]
    fn batches_carry_their_rejects_and_where_the_file_then_stands() {
        let file = || FileSteps {
            file: "f.csv".into(),
            steps: vec![
                send(1),
                reject(2),
                send(3),
                Step::Skip,
                send(5),
                reject(6),
                Step::Skip,
            ],
        };
        assert_eq!(
            shape(&batches(file(), 0, 2)),
            [(vec![1, 3], 1, 3), (vec![5], 1, 7)]
        );
        // Resumed after the first batch.
        assert_eq!(shape(&batches(file(), 3, 2)), [(vec![5], 1, 7)]);
        // Resumed at the end: nothing left.
        assert!(batches(file(), 7, 2).is_empty());
    }
}
