//! The input: a directory of CSV files or a zip of them, read whole (a
//! school's files are small), with a digest that tells one input from
//! another when a load is resumed.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

/// The CSV files of one OneRoster set, by file name ("results.csv").
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub files: BTreeMap<String, Vec<u8>>,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
}

impl Input {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let files = if path.is_dir() {
            read_directory(path)?
        } else {
            read_zip(path)?
        };
        if !files.contains_key("manifest.csv") {
            bail!("{} holds no manifest.csv", path.display());
        }
        // The digest covers names and contents, so a directory and a zip of
        // the same files are the same input.
        let mut digest = Sha256::new();
        for (name, bytes) in &files {
            digest.update((name.len() as u64).to_le_bytes());
            digest.update(name.as_bytes());
            digest.update((bytes.len() as u64).to_le_bytes());
            digest.update(bytes);
        }
        let sha256 = digest
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Ok(Self {
            path: path.to_owned(),
            files,
            sha256,
        })
    }
}

fn is_csv(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".csv")
}

fn read_directory(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && is_csv(&name) {
            files.insert(name, std::fs::read(entry.path())?);
        }
    }
    Ok(files)
}

fn read_zip(path: &Path) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut archive = zip::ZipArchive::new(file)
        .with_context(|| format!("{} is neither a directory nor a zip file", path.display()))?;
    let mut files = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        if !entry.is_file() {
            continue;
        }
        // Files may sit in a folder inside the zip; their names are what counts.
        let name = entry
            .name()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        if !is_csv(&name) {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes)?;
        files.insert(name, bytes);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn a_directory_and_a_zip_of_it_are_the_same_input() {
        let dir = tempfile::tempdir().unwrap();
        let set = dir.path().join("set");
        std::fs::create_dir(&set).unwrap();
        std::fs::write(set.join("manifest.csv"), "propertyName,value\n").unwrap();
        std::fs::write(set.join("results.csv"), "sourcedId\nr1\n").unwrap();
        std::fs::write(set.join("notes.txt"), "ignored").unwrap();
        let zipped = dir.path().join("set.zip");
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
        for name in ["manifest.csv", "results.csv"] {
            writer
                .start_file(
                    format!("oneroster/{name}"),
                    zip::write::SimpleFileOptions::default(),
                )
                .unwrap();
            writer
                .write_all(&std::fs::read(set.join(name)).unwrap())
                .unwrap();
        }
        writer.finish().unwrap();
        let from_dir = Input::read(&set).unwrap();
        let from_zip = Input::read(&zipped).unwrap();
        assert_eq!(from_dir.files.len(), 2);
        assert_eq!(from_dir.files, from_zip.files);
        assert_eq!(from_dir.sha256, from_zip.sha256);
        std::fs::write(set.join("results.csv"), "sourcedId\nr2\n").unwrap();
        assert_ne!(Input::read(&set).unwrap().sha256, from_dir.sha256);
    }
}
