//! The progress bar: rows acknowledged of all rows, with the rows sent
//! ahead, the rate and the time left. Hidden when stderr is not a terminal.

use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    sent: AtomicU64,
}

impl Progress {
    pub fn new(shown: bool, total: u64) -> Self {
        let target = if shown {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{wide_bar} {pos}/{len} rows acknowledged ({msg}) {per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Self {
            bar,
            sent: AtomicU64::new(0),
        }
    }

    /// `count` more rows went out.
    pub fn sent(&self, count: u64) {
        let sent = self.sent.fetch_add(count, Ordering::Relaxed) + count;
        self.bar.set_message(format!("{sent} sent"));
    }

    /// `count` more rows are done.
    pub fn advance(&self, count: u64) {
        self.bar.inc(count);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
