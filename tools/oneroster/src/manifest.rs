//! manifest.csv: which files the set holds and how each is meant (bulk: the
//! whole state; delta: only changes).

use std::collections::BTreeMap;

use anyhow::{Context, bail};

use crate::rejects::Reject;
use crate::table;

/// How a file relates to earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The vendor's whole state: what it sent earlier but the file lacks
    /// is withdrawn.
    Bulk,
    /// Only changes: rows with status "tobedeleted" are withdrawn.
    Delta,
}

#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// By file name ("results.csv"), the files the manifest says are there.
    pub files: BTreeMap<String, Mode>,
}

impl Manifest {
    pub fn mode(&self, file: &str) -> Option<Mode> {
        self.files.get(file).copied()
    }

    /// Reads manifest.csv. A manifest of another version is refused whole.
    pub fn parse(bytes: &[u8], rejects: &mut Vec<Reject>) -> anyhow::Result<Self> {
        const FILE: &str = "manifest.csv";
        let table = table::read(FILE, bytes, &["propertyName", "value"], rejects)
            .context("manifest.csv cannot be read (see the rejects report)")?;
        let mut manifest = Manifest::default();
        let mut versions = (None, None);
        for row in &table.rows {
            let property = table.get(row, "propertyName");
            let value = table.get(row, "value");
            match property {
                "manifest.version" => versions.0 = Some(value.to_owned()),
                "oneroster.version" => versions.1 = Some(value.to_owned()),
                _ => {
                    let Some(name) = property.strip_prefix("file.") else {
                        continue;
                    };
                    let mode = match value.to_ascii_lowercase().as_str() {
                        "absent" => continue,
                        "bulk" => Mode::Bulk,
                        "delta" => Mode::Delta,
                        _ => {
                            rejects.push(Reject::file(
                                FILE,
                                row.line,
                                "value",
                                "bad_value",
                                format!("{property} must be absent, bulk or delta"),
                            ));
                            continue;
                        }
                    };
                    manifest.files.insert(format!("{name}.csv"), mode);
                }
            }
        }
        match versions {
            (Some(manifest), Some(oneroster)) if manifest == "1.0" && oneroster == "1.2" => {}
            (manifest, oneroster) => bail!(
                "manifest.csv must declare manifest.version 1.0 and oneroster.version 1.2 \
                 (it has {} and {})",
                manifest.as_deref().unwrap_or("none"),
                oneroster.as_deref().unwrap_or("none")
            ),
        }
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_bulk_delta_or_left_out() {
        let mut rejects = Vec::new();
        let manifest = Manifest::parse(
            b"propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n\
              file.results,delta\nfile.users,bulk\nfile.orgs,absent\nfile.roles,maybe\n",
            &mut rejects,
        )
        .unwrap();
        assert_eq!(manifest.mode("results.csv"), Some(Mode::Delta));
        assert_eq!(manifest.mode("users.csv"), Some(Mode::Bulk));
        assert_eq!(manifest.mode("orgs.csv"), None);
        assert_eq!(rejects.len(), 1);
        assert_eq!(
            (rejects[0].line, rejects[0].code.as_str()),
            (7, "bad_value")
        );
    }

    #[test]
    fn another_version_is_refused() {
        let mut rejects = Vec::new();
        let error = Manifest::parse(
            b"propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n",
            &mut rejects,
        )
        .unwrap_err();
        assert!(error.to_string().contains("1.2"), "{error}");
    }
}
