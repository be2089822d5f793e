//! Forms that carry files (multipart/form-data, so they work without
//! script): each file is stored with schedule as it arrives, under the
//! same limits and type checks as `POST /api/v1/attachments`.

use axum::body::Body;
use axum::http::{HeaderMap, header};
use otmetka_platform::{Error, Result};

use crate::attachments::{MAX_FILE_BYTES, store};
use crate::caller::Caller;

/// At most this many files in one form, as the JSON routes allow.
const MAX_FILES: usize = 20;
/// The form's field that carries files.
const FILES: &str = "files";

/// Reads a form: every text field goes to `field` as it comes (so a
/// refused form can be shown again with what was typed), every file in
/// `files` is stored for `school_id`. The stored files' ids, in order.
pub async fn read_with_files(
    caller: &Caller,
    school_id: &str,
    headers: &HeaderMap,
    body: Body,
    mut field: impl FnMut(&str, String),
) -> Result<Vec<String>> {
    let malformed = || Error::invalid(FILES, "could not be read (at most 20 MiB a file)");
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .and_then(|kind| multer::parse_boundary(kind).ok())
        .ok_or_else(|| Error::invalid("content-type", "must be multipart/form-data"))?;
    let limits = multer::SizeLimit::new()
        .whole_stream((MAX_FILE_BYTES * 2) as u64)
        .per_field(MAX_FILE_BYTES as u64);
    let mut form = multer::Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let mut attachment_ids = Vec::new();
    while let Some(part) = form.next_field().await.map_err(|_| malformed())? {
        let name = part.name().unwrap_or_default().to_owned();
        if name != FILES {
            let text = part.text().await.map_err(|_| malformed())?;
            field(&name, text);
            continue;
        }
        // A file input left empty still sends a nameless part.
        let file_name = part.file_name().unwrap_or_default().to_owned();
        if file_name.is_empty() {
            continue;
        }
        if attachment_ids.len() == MAX_FILES {
            return Err(Error::invalid(FILES, "must be at most 20 files"));
        }
        let kind = part
            .content_type()
            .map(ToString::to_string)
            .unwrap_or_default();
        let bytes = part.bytes().await.map_err(|_| malformed())?;
        let file = store(caller, school_id, &file_name, &kind, bytes)
            .await
            .map_err(|error| as_files(error, &file_name))?;
        attachment_ids.push(file.id);
    }
    Ok(attachment_ids)
}

/// A file's refusal, named after the form's field and the file.
fn as_files(error: Error, name: &str) -> Error {
    match error {
        Error::InvalidArgument(violations) => Error::invalid(
            FILES,
            format!(
                "{}: {}",
                otmetka_platform::text::quote(name),
                violations
                    .iter()
                    .map(|v| v.description.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
        other => other,
    }
}
