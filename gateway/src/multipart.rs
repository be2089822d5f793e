//! Forms that carry files (multipart/form-data, so they work without
//! script), read whole within limits; files meant for homework are then
//! stored with schedule under the same type checks as
//! `POST /api/v1/attachments`.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use otmetka_platform::{Error, Result};

use crate::attachments::{MAX_FILE_BYTES, store};
use crate::caller::Caller;

/// The form's field that carries files.
const FILES: &str = "files";

/// How much a form may carry.
pub struct FormLimits {
    pub file_bytes: usize,
    pub form_bytes: usize,
    pub files: usize,
}

/// Homework and answers: as many files as the JSON routes take, each as
/// large as schedule stores.
pub const HOMEWORK_FILES: FormLimits = FormLimits {
    file_bytes: MAX_FILE_BYTES,
    form_bytes: MAX_FILE_BYTES * 2,
    files: 20,
};

pub struct FilePart {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Bytes,
}

/// A form as sent: its text fields and the files chosen in `files`.
#[derive(Default)]
pub struct MultipartForm {
    fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

impl MultipartForm {
    /// A text field's value; empty when the form lacks it.
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map_or("", |(_, value)| value.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|(field, _)| field == name)
    }
}

/// Reads a whole form within `limits`.
pub async fn read_form(
    headers: &HeaderMap,
    body: Body,
    limits: &FormLimits,
) -> Result<MultipartForm> {
    let megabytes = limits.file_bytes / (1024 * 1024);
    let malformed = || {
        Error::invalid(
            FILES,
            format!("could not be read (at most {megabytes} MiB a file)"),
        )
    };
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .and_then(|kind| multer::parse_boundary(kind).ok())
        .ok_or_else(|| Error::invalid("content-type", "must be multipart/form-data"))?;
    let size = multer::SizeLimit::new()
        .whole_stream(limits.form_bytes as u64)
        .per_field(limits.file_bytes as u64);
    let mut parts = multer::Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        multer::Constraints::new().size_limit(size),
    );
    let mut form = MultipartForm::default();
    while let Some(part) = parts.next_field().await.map_err(|_| malformed())? {
        let name = part.name().unwrap_or_default().to_owned();
        if name != FILES {
            let text = part.text().await.map_err(|_| malformed())?;
            form.fields.push((name, text));
            continue;
        }
        // A file input left empty still sends a nameless part.
        let file_name = part.file_name().unwrap_or_default().to_owned();
        if file_name.is_empty() {
            continue;
        }
        if form.files.len() == limits.files {
            return Err(Error::invalid(
                FILES,
                format!("must be at most {} files", limits.files),
            ));
        }
        let content_type = part
            .content_type()
            .map(ToString::to_string)
            .unwrap_or_default();
        let bytes = part.bytes().await.map_err(|_| malformed())?;
        form.files.push(FilePart {
            file_name,
            content_type,
            bytes,
        });
    }
    Ok(form)
}

/// Stores a form's files for `school_id`, to be named by a homework or an
/// answer; their ids in order.
pub async fn store_files(
    caller: &Caller,
    school_id: &str,
    files: Vec<FilePart>,
) -> Result<Vec<String>> {
    let mut ids = Vec::with_capacity(files.len());
    for file in files {
        let stored = store(
            caller,
            school_id,
            &file.file_name,
            &file.content_type,
            file.bytes,
        )
        .await
        .map_err(|error| as_files(error, &file.file_name))?;
        ids.push(stored.id);
    }
    Ok(ids)
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
