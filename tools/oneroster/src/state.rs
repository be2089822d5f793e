//! The checkpoint of a load: which input it was, and how many rows of each
//! file the platform acknowledged. It moves on only after the receipts for
//! those rows arrived, so a resumed load skips nothing unacknowledged; the
//! rows it sends again are harmless, since pushes are idempotent.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// SHA-256 of the input this checkpoint is about.
    pub sha256: String,
    /// Rows handled from the top of each file, by file name.
    pub acknowledged: BTreeMap<String, u64>,
}

impl State {
    /// The checkpoint at `path` if it is about the input `sha256`; else a
    /// fresh start.
    pub fn load(path: &Path, sha256: &str) -> Self {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<State>(&bytes).ok())
            .filter(|state| state.sha256 == sha256)
            .unwrap_or_else(|| Self::fresh(sha256))
    }

    /// A start from the top of the input `sha256`.
    pub fn fresh(sha256: &str) -> Self {
        State {
            sha256: sha256.to_owned(),
            acknowledged: BTreeMap::new(),
        }
    }

    pub fn resumed(&self) -> bool {
        self.acknowledged.values().any(|&count| count > 0)
    }

    pub fn done(&self, file: &str) -> u64 {
        self.acknowledged.get(file).copied().unwrap_or(0)
    }

    /// Writes the checkpoint whole, or not at all.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let partial = path.with_extension("partial");
        std::fs::write(&partial, serde_json::to_vec_pretty(self)?)?;
        std::fs::rename(&partial, path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_holds_only_for_its_own_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut state = State::load(&path, "aaa");
        assert!(!state.resumed());
        state.acknowledged.insert("results.csv".into(), 500);
        state.save(&path).unwrap();
        assert_eq!(State::load(&path, "aaa").done("results.csv"), 500);
        assert!(!State::load(&path, "bbb").resumed());
        std::fs::write(&path, "not json").unwrap();
        assert!(!State::load(&path, "aaa").resumed());
    }
}
