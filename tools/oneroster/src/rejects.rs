//! The rejects report: one CSV line per row (or file) that was not loaded,
//! whether the tool found the fault or the platform refused the record.

use std::fs::{File, OpenOptions};
use std::io::BufWriter;
use std::path::Path;

/// A row or file that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// File of the set, e.g. "results.csv".
    pub file: String,
    /// Line in that file (the header is line 1); 0 when the fault is not on
    /// one line (a record the file no longer holds).
    pub line: u64,
    /// Column at fault; empty when the row or file as a whole is.
    pub field: String,
    /// Stable code, e.g. "bad_date", "unmapped_sourced_id", "OUT_OF_SCALE".
    pub code: String,
    pub message: String,
    /// The row's sourcedId, when it has one.
    pub sourced_id: String,
}

impl Reject {
    pub fn file(
        file: &str,
        line: u64,
        field: &str,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            line,
            field: field.into(),
            code: code.into(),
            message: message.into(),
            sourced_id: String::new(),
        }
    }

    pub fn row(
        file: &str,
        line: u64,
        sourced_id: &str,
        field: &str,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            sourced_id: sourced_id.into(),
            ..Self::file(file, line, field, code, message)
        }
    }
}

/// A reject on its way out of a check (boxed: it is large).
pub type Refused = Box<Reject>;

const HEADER: [&str; 6] = ["file", "line", "field", "code", "message", "sourcedId"];

/// The report file, written as rejects become final.
pub struct Report {
    writer: Option<csv::Writer<BufWriter<File>>>,
    pub count: u64,
}

impl Report {
    /// Opens the report at `path`: anew, or to go on after an interrupted
    /// load of the same input (`append`).
    pub fn open(path: &Path, append: bool) -> anyhow::Result<Self> {
        let exists = path.exists();
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(path)
            .map_err(|e| {
                anyhow::anyhow!("cannot write the rejects report {}: {e}", path.display())
            })?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        if !(append && exists) {
            writer.write_record(HEADER)?;
        }
        Ok(Self {
            writer: Some(writer),
            count: 0,
        })
    }

    /// A report that keeps only the count (nothing is written).
    pub fn discard() -> Self {
        Self {
            writer: None,
            count: 0,
        }
    }

    pub fn write(&mut self, reject: &Reject) -> anyhow::Result<()> {
        self.count += 1;
        if let Some(writer) = self.writer.as_mut() {
            writer.write_record([
                reject.file.as_str(),
                &reject.line.to_string(),
                &reject.field,
                &reject.code,
                &reject.message,
                &reject.sourced_id,
            ])?;
        }
        Ok(())
    }

    /// Makes what was written durable: called before a checkpoint moves on.
    pub fn flush(&mut self) -> anyhow::Result<()> {
        if let Some(writer) = self.writer.as_mut() {
            writer.flush()?;
        }
        Ok(())
    }
}
