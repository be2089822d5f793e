//! Where homework and submission files live: a small storage trait, and a
//! local directory behind it. The database knows each file (name, type,
//! size, checksum, what it belongs to); the store only keeps bytes under a
//! key made of the school's id and the file's id.
//!
//! An S3-compatible store would implement the same three calls; none is
//! built yet, so a city deployment mounts one shared volume into every
//! replica.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use anyhow::Context;
use futures_util::{Stream, StreamExt};
use otmetka_platform::ids::SchoolId;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use crate::model::AttachmentId;

/// Bytes read from a store, in order.
pub type ByteStream = Pin<Box<dyn Stream<Item = anyhow::Result<Vec<u8>>> + Send>>;

/// Bytes on their way into a store. An error ends the write, and nothing is kept.
pub type Upload<'a> = Pin<Box<dyn Stream<Item = otmetka_platform::Result<Vec<u8>>> + Send + 'a>>;

/// How much a read yields at a time.
pub const READ_CHUNK: usize = 256 * 1024;

/// A file's place in a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKey {
    pub school_id: SchoolId,
    pub id: AttachmentId,
}

#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// Stores `bytes` under `key`, all or nothing: an error in the stream
    /// (or in storing) leaves nothing behind. Returns the size stored.
    async fn put(&self, key: FileKey, bytes: Upload<'_>) -> otmetka_platform::Result<u64>;

    /// The bytes under `key` from `offset` on.
    async fn get(&self, key: FileKey, offset: u64) -> anyhow::Result<ByteStream>;

    /// Forgets `key`; a missing file is not an error.
    async fn delete(&self, key: FileKey) -> anyhow::Result<()>;
}

/// Files in a local directory: `<dir>/<school>/<file>`, written to a
/// temporary name first and renamed when complete.
#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    pub fn new(root: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)
            .with_context(|| format!("creating the attachment folder {}", root.display()))?;
        Ok(Self { root })
    }

    fn path(&self, key: FileKey) -> PathBuf {
        self.root
            .join(key.school_id.to_string())
            .join(key.id.to_string())
    }
}

async fn write_all(path: &Path, mut bytes: Upload<'_>) -> otmetka_platform::Result<u64> {
    let mut file = tokio::fs::File::create(path)
        .await
        .with_context(|| format!("creating {}", path.display()))?;
    let mut size = 0u64;
    while let Some(chunk) = bytes.next().await {
        let chunk = chunk?;
        file.write_all(&chunk)
            .await
            .with_context(|| format!("writing {}", path.display()))?;
        size += chunk.len() as u64;
    }
    file.sync_all()
        .await
        .with_context(|| format!("syncing {}", path.display()))?;
    Ok(size)
}

#[async_trait::async_trait]
impl FileStore for LocalDir {
    async fn put(&self, key: FileKey, bytes: Upload<'_>) -> otmetka_platform::Result<u64> {
        let path = self.path(key);
        let folder = path.parent().expect("a file path has a folder");
        tokio::fs::create_dir_all(folder)
            .await
            .with_context(|| format!("creating {}", folder.display()))?;
        let partial = path.with_extension("partial");
        match write_all(&partial, bytes).await {
            Ok(size) => {
                tokio::fs::rename(&partial, &path)
                    .await
                    .with_context(|| format!("renaming {}", partial.display()))?;
                Ok(size)
            }
            Err(error) => {
                let _ = tokio::fs::remove_file(&partial).await;
                Err(error)
            }
        }
    }

    async fn get(&self, key: FileKey, offset: u64) -> anyhow::Result<ByteStream> {
        let path = self.path(key);
        let mut file = tokio::fs::File::open(&path)
            .await
            .with_context(|| format!("opening {}", path.display()))?;
        file.seek(std::io::SeekFrom::Start(offset)).await?;
        let chunks = futures_util::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let mut buffer = vec![0u8; READ_CHUNK];
            let mut filled = 0;
            // Fill whole chunks, so a reader sees few, even messages.
            while filled < READ_CHUNK {
                match file.read(&mut buffer[filled..]).await {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(error) => return Some((Err(error.into()), None)),
                }
            }
            if filled == 0 {
                return None;
            }
            buffer.truncate(filled);
            Some((Ok(buffer), Some(file)))
        });
        Ok(Box::pin(chunks))
    }

    async fn delete(&self, key: FileKey) -> anyhow::Result<()> {
        let path = self.path(key);
        match tokio::fs::remove_file(&path).await {
            Err(error) if error.kind() != ErrorKind::NotFound => {
                Err(anyhow::Error::new(error).context(format!("removing {}", path.display())))
            }
            _ => Ok(()),
        }
    }
}

/// The media types a file may have, and what the start of such a file
/// looks like.
const ALLOWED: &[(&str, Signature)] = &[
    ("application/pdf", Signature::Prefix(b"%PDF-")),
    ("image/jpeg", Signature::Prefix(b"\xFF\xD8\xFF")),
    ("image/png", Signature::Prefix(b"\x89PNG\r\n\x1a\n")),
    ("image/gif", Signature::Prefix(b"GIF8")),
    ("image/webp", Signature::Webp),
    ("text/plain", Signature::Text),
    ("text/csv", Signature::Text),
    ("application/rtf", Signature::Prefix(b"{\\rtf")),
    ("application/zip", Signature::Zip),
    ("application/msword", Signature::Ole),
    ("application/vnd.ms-excel", Signature::Ole),
    ("application/vnd.ms-powerpoint", Signature::Ole),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Signature::Zip,
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Signature::Zip,
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Signature::Zip,
    ),
    ("application/vnd.oasis.opendocument.text", Signature::Zip),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        Signature::Zip,
    ),
    (
        "application/vnd.oasis.opendocument.presentation",
        Signature::Zip,
    ),
];

/// How many leading bytes decide whether content matches its type.
pub const SNIFF_BYTES: usize = 512;

#[derive(Debug, Clone, Copy)]
enum Signature {
    Prefix(&'static [u8]),
    Webp,
    Zip,
    /// Compound documents of old Office formats.
    Ole,
    /// UTF-8 without NUL bytes.
    Text,
}

impl Signature {
    /// Whether `head` (the first [`SNIFF_BYTES`] bytes, or the whole file
    /// when shorter) fits.
    fn fits(self, head: &[u8], whole: bool) -> bool {
        match self {
            Signature::Prefix(prefix) => head.starts_with(prefix),
            Signature::Webp => head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP",
            Signature::Zip => head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06"),
            Signature::Ole => head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"),
            Signature::Text => {
                !head.contains(&0)
                    && match std::str::from_utf8(head) {
                        Ok(_) => true,
                        // A character cut at the end of the sniffed bytes is fine.
                        Err(error) => !whole && error.error_len().is_none(),
                    }
            }
        }
    }
}

/// The canonical form of an allowed media type ("Image/PNG" → "image/png"),
/// or `None` for one not allowed.
pub fn allowed_type(content_type: &str) -> Option<&'static str> {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    ALLOWED
        .iter()
        .map(|(name, _)| *name)
        .find(|name| name.eq_ignore_ascii_case(essence))
}

/// The allowed media types, for messages.
pub fn allowed_types() -> Vec<&'static str> {
    ALLOWED.iter().map(|(name, _)| *name).collect()
}

/// Whether a file of `content_type` (allowed) may start with `head`;
/// `whole` says `head` is the entire file.
pub fn content_fits(content_type: &str, head: &[u8], whole: bool) -> bool {
    ALLOWED
        .iter()
        .find(|(name, _)| *name == content_type)
        .is_some_and(|(_, signature)| signature.fits(head, whole))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_allowed_by_their_essence() {
        assert_eq!(allowed_type("Application/PDF"), Some("application/pdf"));
        assert_eq!(
            allowed_type("text/plain; charset=utf-8"),
            Some("text/plain")
        );
        assert_eq!(allowed_type("application/x-msdownload"), None);
        assert_eq!(allowed_type("text/html"), None);
        assert_eq!(allowed_type(""), None);
    }

    #[test]
    fn content_must_look_like_its_type() {
        assert!(content_fits("application/pdf", b"%PDF-1.7\n...", true));
        assert!(!content_fits("application/pdf", b"MZ\x90\x00", true));
        assert!(content_fits("text/plain", "Решить №5".as_bytes(), true));
        assert!(!content_fits("text/plain", b"a\x00b", true));
        // A character cut by the sniffing window, but not at the real end.
        let cut = &"ж".as_bytes()[..1];
        assert!(content_fits("text/plain", cut, false));
        assert!(!content_fits("text/plain", cut, true));
        assert!(content_fits(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04rest",
            true
        ));
        assert!(content_fits(
            "image/webp",
            b"RIFF\x00\x00\x00\x00WEBPVP8 ",
            true
        ));
    }

    #[tokio::test]
    async fn a_local_dir_keeps_whole_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDir::new(dir.path()).unwrap();
        let key = FileKey {
            school_id: SchoolId::generate(),
            id: AttachmentId::generate(),
        };
        let chunks: Vec<otmetka_platform::Result<Vec<u8>>> =
            vec![Ok(b"hello ".to_vec()), Ok(b"world".to_vec())];
        let size = store
            .put(key, Box::pin(futures_util::stream::iter(chunks)))
            .await
            .unwrap();
        assert_eq!(size, 11);
        let read: Vec<u8> = store
            .get(key, 6)
            .await
            .unwrap()
            .map(|chunk| chunk.unwrap())
            .concat()
            .await;
        assert_eq!(read, b"world");

        let broken = FileKey {
            id: AttachmentId::generate(),
            ..key
        };
        let chunks: Vec<otmetka_platform::Result<Vec<u8>>> = vec![
            Ok(b"part".to_vec()),
            Err(otmetka_platform::Error::invalid("chunk", "too big")),
        ];
        assert!(
            store
                .put(broken, Box::pin(futures_util::stream::iter(chunks)))
                .await
                .is_err()
        );
        assert!(store.get(broken, 0).await.is_err(), "nothing is kept");
        let folder = dir.path().join(key.school_id.to_string());
        assert_eq!(std::fs::read_dir(folder).unwrap().count(), 1);
        store.delete(key).await.unwrap();
        store.delete(key).await.unwrap();
        assert!(store.get(key, 0).await.is_err());
    }
}
