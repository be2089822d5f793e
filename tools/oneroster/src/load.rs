//! One load of a OneRoster set: read and check the files, refuse a mass
//! deletion unless confirmed, map the roster's ids, then push the marks,
//! writing rejects and the checkpoint as receipts arrive.

use std::path::PathBuf;

use anyhow::bail;
use otmetka_proto::import::v1 as pb;

use crate::client::{Auth, Client, ClientTls};
use crate::deletions;
use crate::input::Input;
use crate::manifest::Manifest;
use crate::plan::{Files, Known, Step};
use crate::progress::Progress;
use crate::rejects::Report;
use crate::retry;
use crate::send::{Progressing, Sender};
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
    /// The city's CA and the vendor's certificate, for https URLs.
    pub tls: ClientTls,
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
            tls: ClientTls::default(),
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

/// Loads the set `options.input` names.
pub async fn load(options: &Options) -> anyhow::Result<Summary> {
    let input = Input::read(&options.input)?;
    let mut early = Vec::new();
    let manifest = Manifest::parse(&input.files["manifest.csv"], &mut early)?;
    let files = Files::read(&manifest, &input.files);
    early.extend(files.rejects.iter().cloned());
    let mut client = Client::connect(&options.import_url, &options.auth, &options.tls).await?;
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
    let known = known_ids(client.mappings(&school_id).await?);
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

    let mut sender = Sender {
        options,
        client,
        school_id: school_id.clone(),
        run,
        summary,
        withdrawn: 0,
    };
    sender.map_ids(mapping_files).await?;
    if !options.dry_run {
        // What the platform took, rejected mappings left out.
        let known = known_ids(sender.client.mappings(&school_id).await?);
        marks = files.mark_steps(&manifest, &school_id, &known);
    }
    // A stream refused for a while (the vendor's rate, an unavailable
    // server) is opened again after the wait it asks for, from the last
    // acknowledged row.
    // Failures count in a row: a stream that got anywhere resets them (the
    // platform also ends streams that carried their share of messages).
    let mut failures = 0;
    let mut done = sender.done();
    while let Err(error) = sender.push_marks(marks.files.clone(), &withdrawals).await {
        if sender.done() > done {
            done = sender.done();
            failures = 0;
        }
        let Some(wait) = retry::wait(&error, failures) else {
            return Err(error);
        };
        failures += 1;
        tokio::time::sleep(wait).await;
    }
    let Sender {
        mut summary, run, ..
    } = sender;
    summary.rejected = run.report.count;
    bar.finish();
    if !summary.interrupted && !options.dry_run {
        // Done: the next load of the same input starts afresh.
        let _ = std::fs::remove_file(&state_path);
    }
    Ok(summary)
}

fn known_ids(mappings: Vec<pb::IdMapping>) -> Known {
    mappings
        .into_iter()
        .map(|m| ((m.entity_type(), m.external_id), m.platform_id))
        .collect()
}

impl Summary {
    /// Whether anything was rejected or left undone.
    pub fn complete(&self) -> bool {
        self.rejected == 0 && !self.interrupted
    }
}
